-- Neovim plugin benchmark, run inside Neovim by bench/nvim_bench.sh:
--   annotate-and-draw time for 10 KB, 100 KB and 1 MB buffers (median), and
--   keystroke latency while typing in an annotated 1 MB buffer.
-- Writes "key: value" lines to $CHRONICLE_BENCH_OUT.
local root = vim.env.CHRONICLE_ROOT
local out_path = vim.env.CHRONICLE_BENCH_OUT
local corpus = vim.env.CHRONICLE_CORPUS
local api = vim.api
local uv = vim.uv or vim.loop
local results = {}
local function put(k, v)
  results[#results + 1] = k .. ': ' .. v
end

vim.o.swapfile = false

local function main()
vim.notify = function() end -- the max_bytes notice etc. would block a TUI

require('chronicle').setup({ auto_annotate = false, debounce_ms = 250 })
local A = require('chronicle.annotate')
local F = require('chronicle.ffi')

local function median(t)
  table.sort(t)
  local n = #t
  if n == 0 then
    return 0
  end
  return n % 2 == 1 and t[(n + 1) / 2] or (t[n / 2] + t[n / 2 + 1]) / 2
end
local function pct(t, p)
  table.sort(t)
  return t[math.max(1, math.ceil(#t * p))] or 0
end

-- mixed-language text: the dev corpus (or the samples), repeated
local files = {}
local dirs = { root .. '/../shared/corpus/dev', root .. '/samples' }
if corpus and corpus ~= '' then
  table.insert(dirs, 1, corpus)
end
for _, d in ipairs(dirs) do
  if vim.fn.isdirectory(d) == 1 then
    for _, ext in ipairs({ '*.md', '*.txt' }) do
      vim.list_extend(files, vim.fn.glob(d .. '/' .. ext, false, true))
    end
    if #files > 0 then
      break
    end
  end
end
table.sort(files)
local pool = {}
for _, f in ipairs(files) do
  vim.list_extend(pool, vim.fn.readfile(f))
  pool[#pool + 1] = ''
end
local function lines_of(size)
  local out, n, i = {}, 0, 1
  while n < size do
    local l = pool[i]
    if n + #l + 1 > size then
      l = vim.fn.strcharpart(l, 0, math.max(0, size - n - 1))
    end
    out[#out + 1] = l
    n = n + #l + 1
    i = i % #pool + 1
  end
  return out
end

F.engine() -- loading the knowledge base is not part of annotate
local sizes = { { '10KB', 10 * 1024, 15 }, { '100KB', 100 * 1024, 11 }, { '1MB', 1024 * 1024, 5 } }
for _, s in ipairs(sizes) do
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, lines_of(s[2]))
  local first, all = {}, {}
  local n_marks = 0
  for _ = 1, s[3] do
    -- the garbage of the previous run is not this run's cost
    collectgarbage()
    local t0 = uv.hrtime()
    A.enable(buf, { sync = true, force = true })
    first[#first + 1] = (uv.hrtime() - t0) / 1e6
    A.flush(buf)
    all[#all + 1] = (uv.hrtime() - t0) / 1e6
    n_marks = #api.nvim_buf_get_extmarks(buf, A.ns, 0, -1, {})
  end
  put('annotate_draw_' .. s[1] .. '_ms', ('%.1f'):format(median(first)))
  put('annotate_draw_all_' .. s[1] .. '_ms', ('%.1f'):format(median(all)))
  put('marks_' .. s[1], n_marks)
  A.disable(buf)
  api.nvim_buf_delete(buf, { force = true })
end

-- a 1 MB buffer as a user gets it: opened, annotated on the worker thread
local buf = api.nvim_create_buf(true, false)
api.nvim_set_current_buf(buf)
api.nvim_buf_set_lines(buf, 0, -1, false, lines_of(1024 * 1024))
local open_gap, prev_beat = 0, uv.hrtime()
local hb = uv.new_timer()
hb:start(2, 2, function()
  local now = uv.hrtime()
  open_gap = math.max(open_gap, (now - prev_beat) / 1e6)
  prev_beat = now
end)
local t0 = uv.hrtime()
A.enable(buf)
local blocked = (uv.hrtime() - t0) / 1e6
A.wait(buf, 20000)
local total = (uv.hrtime() - t0) / 1e6
hb:stop()
hb:close()
put('open_1MB_async_blocking_ms', ('%.1f'):format(blocked))
put('open_1MB_async_total_ms', ('%.1f'):format(total))
put('open_1MB_async_max_stall_ms', ('%.1f'):format(open_gap))

-- typing in the middle of it: bursts of keys 120 ms apart, pauses that let
-- the debounced re-annotation run; a 2 ms heartbeat timer finds stalls
local mid = math.floor(api.nvim_buf_line_count(buf) / 2)
api.nvim_win_set_cursor(0, { mid, 0 })
local st = A.states[buf]
local key_ms, passes, gaps = {}, {}, {}
local last_beat = uv.hrtime()
local beat = uv.new_timer()
beat:start(2, 2, function()
  local now = uv.hrtime()
  gaps[#gaps + 1] = (now - last_beat) / 1e6
  last_beat = now
end)
local esc = api.nvim_replace_termcodes('<Esc>', true, false, true)
local text = '2024年3月5日，越南与美国举行会谈。'
local chars = vim.fn.split(text, '\\zs')
local ui = #api.nvim_list_uis() > 0
for burst = 1, 8 do
  for k = 1, #chars do
    vim.wait(120, function()
      return false
    end, 2)
    local t = uv.hrtime()
    api.nvim_feedkeys('a' .. chars[k] .. esc, 'nx', false)
    if ui then
      vim.cmd('redraw')
    end
    key_ms[#key_ms + 1] = (uv.hrtime() - t) / 1e6
  end
  local before = st.version
  vim.wait(600, function()
    return st.version ~= before and not st.dirty
  end, 2)
  if st.version ~= before and st.ms then
    passes[#passes + 1] = st.ms
  end
  api.nvim_feedkeys('o' .. esc, 'nx', false)
  api.nvim_win_set_cursor(0, { mid + burst * 3, 0 })
end
beat:stop()
beat:close()
put('keystroke_1MB_median_ms', ('%.2f'):format(median(key_ms)))
put('keystroke_1MB_p95_ms', ('%.2f'):format(pct(key_ms, 0.95)))
put('keystroke_1MB_max_ms', ('%.2f'):format(pct(key_ms, 1)))
put('reannotate_pass_1MB_median_ms', ('%.2f'):format(median(passes)))
put('reannotate_pass_1MB_max_ms', ('%.2f'):format(pct(passes, 1)))
put('event_loop_max_stall_while_typing_ms', ('%.1f'):format(pct(gaps, 1)))
put('keystrokes', #key_ms)
put('ui', ui and 'tui' or 'headless')

end

local ok, err = pcall(main)
if not ok then
  put('error', tostring(err):gsub('\n', ' '))
end
local f = io.open(out_path, 'w')
f:write(table.concat(results, '\n') .. '\n')
f:close()
vim.cmd('qa!')
