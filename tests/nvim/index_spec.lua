-- Headless Neovim tests of the folder index through the real plugin and the
-- real build/libchronicle.so. Run by tests/nvim/run.sh as:
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=ROOT' -c 'luafile tests/nvim/index_spec.lua'
local root = vim.env.CHRONICLE_ROOT or vim.fn.getcwd()
package.path = root .. '/tests/nvim/?.lua;' .. package.path
local H = require('harness')
H.suite = 'index ' .. (vim.fn.execute('version'):match('NVIM (v[%d%.]+)') or '?') .. ': '
local api = vim.api
local uv = vim.uv or vim.loop

vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'A'
vim.cmd('filetype on')
vim.cmd('runtime plugin/chronicle.lua')

local notes = {}
vim.notify = function(msg, level)
  notes[#notes + 1] = { msg = tostring(msg), level = level }
end
local function notes_text()
  local t = {}
  for _, n in ipairs(notes) do
    t[#t + 1] = n.msg
  end
  return table.concat(t, '\n')
end
local function count_notes(pat)
  local n = 0
  for _, x in ipairs(notes) do
    if x.msg:find(pat, 1, true) then
      n = n + 1
    end
  end
  return n
end

local function read(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end
local function write(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end
local function copy(src, dst)
  write(dst, read(src))
end

-- the folder: the samples, the same phone call told in Chinese and in
-- Vietnamese (tests/cli/timeline), an article in a subfolder, a binary file
local tmp = vim.fn.tempname()
local dir = tmp .. '/news'
local cachedir = tmp .. '/cache'
vim.fn.mkdir(dir .. '/sub', 'p')
for _, p in ipairs(vim.fn.glob(root .. '/samples/*', false, true)) do
  copy(p, dir .. '/' .. vim.fn.fnamemodify(p, ':t'))
end
copy(root .. '/tests/cli/timeline/call.zh.txt', dir .. '/call.zh.txt')
copy(root .. '/tests/cli/timeline/call.vi.txt', dir .. '/sub/call.vi.txt')
write(dir .. '/junk.txt', 'PK\3\4\0\0\0\0binary\0\0\255\254 not an article')
dir = uv.fs_realpath(dir)
local n_files = 5 -- articles; junk.txt is skipped

require('chronicle').setup({ index_cache_dir = cachedir, debounce_ms = 30 })
local A = require('chronicle.annotate')

local function open(path)
  vim.cmd('silent edit ' .. vim.fn.fnameescape(path))
  local buf = api.nvim_get_current_buf()
  vim.wait(2000, function()
    local st = A.states[buf]
    return st and st.tick == api.nvim_buf_get_changedtick(buf) and not st.busy and not st.pending
  end, 5)
  return buf
end

local function cursor_on(text)
  for i, l in ipairs(api.nvim_buf_get_lines(0, 0, -1, false)) do
    local s = l:find(text, 1, true)
    if s then
      api.nvim_win_set_cursor(0, { i, s - 1 })
      return i, s - 1
    end
  end
  error('not in buffer: ' .. text)
end

-- line (1-based) and byte column (0-based) of the `nth` `text` in a file
local function where_in(path, text, nth)
  nth = nth or 1
  local i = 0
  for l in (read(path) .. '\n'):gmatch('(.-)\n') do
    i = i + 1
    local s = l:find(text, 1, true)
    if s then
      nth = nth - 1
      if nth == 0 then
        return i, s - 1
      end
    end
  end
end
-- the phone call in Vietnamese: its title says "điện đàm" too; the event is
-- in the story, the second one
local VI_CALL = 2

------------------------------------------------------------------------------
H.test('nothing is loaded before the first :Chronicle index', function()
  H.eq(package.loaded['chronicle.index'], nil, 'index module not loaded by setup')
  H.eq(require('chronicle').statusline(), '', 'statusline empty, loads nothing')
  H.eq(package.loaded['chronicle.index'], nil)
  H.eq(vim.fn.isdirectory(cachedir), 0, 'no cache folder yet')
  H.truthy(vim.tbl_contains(require('chronicle').subcommands, 'index'))
  local c = require('chronicle').complete('', 'Chronicle index ' .. tmp .. '/')
  H.truthy(vim.tbl_contains(require('chronicle').complete(tmp .. '/', 'Chronicle index ' .. tmp .. '/'), tmp .. '/news/'), 'folders complete: ' .. vim.inspect(c))
  H.eq(require('chronicle').complete('f', 'Chronicle timeline f'), { 'folder' })
end)

local I
local entry

H.test(':Chronicle index DIR returns at once and indexes in the background', function()
  notes = {}
  local t0 = uv.hrtime()
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(dir))
  local ms = (uv.hrtime() - t0) / 1e6
  I = require('chronicle.index')
  entry = I.entries[dir]
  H.truthy(entry, 'an entry for the folder')
  H.truthy(entry.opening, 'its index (the cache) is opened on a worker thread')
  H.truthy(entry.running, 'a pass is under way')
  H.truthy(ms < 500, ('the command took %.0f ms'):format(ms))
  H.eq(require('chronicle').statusline(), 'chronicle opening…')
  H.eq(entry.cache, I.cache_path(dir))
  H.truthy(entry.cache:find(cachedir .. '/news-', 1, true) == 1, 'cache under index_cache_dir: ' .. entry.cache)
  H.truthy(vim.wait(5000, function()
    return entry.ix ~= nil
  end, 5), 'the index opened')
  H.truthy(entry.timer ~= nil, 'polled by a timer')
  -- wait by polling, as a user would
  H.truthy(I.wait(15000), 'the pass ended')
  local p = entry.progress
  H.truthy(p.state == 'watching' or p.state == 'ready', 'state: ' .. tostring(p.state))
  H.eq(p.state, 'watching', 'started with watch = 1')
  H.eq(entry.files, n_files)
  H.contains(notes_text(), 'chronicle: indexed ' .. vim.fn.fnamemodify(dir, ':~') .. ': 5 files')
  H.contains(notes_text(), 'watching for changes')
  H.contains(notes_text(), 'chronicle: 1 file skipped in')
  H.contains(notes_text(), 'junk.txt — binary file')
  H.eq(require('chronicle').statusline(), 'chronicle 5 files')
  H.truthy(vim.fn.filereadable(entry.cache) == 1, 'the cache file is written')
end)

H.test('skipped files and problems are said once, not on every tick', function()
  for _ = 1, 5 do
    I._poll(entry)
  end
  vim.wait(1500) -- the watching timer ticks
  H.eq(count_notes('skipped in'), 1)
  H.eq(count_notes('chronicle: indexed'), 1)
end)

H.test(':Chronicle status lists the index, skipped files with reasons, the cache', function()
  notes = {}
  vim.cmd('Chronicle status')
  local t = notes_text()
  H.contains(t, 'index: ' .. vim.fn.fnamemodify(dir, ':~') .. ' — watching; 5 files')
  H.contains(t, '  cache: ' .. vim.fn.fnamemodify(entry.cache, ':~'))
  H.contains(t, '  skipped: 1 file')
  H.contains(t, '    junk.txt — binary file')
end)

H.test(':Chronicle index on an indexed folder re-uses the open index', function()
  notes = {}
  local ix = entry.ix
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(dir .. '/'))
  H.truthy(I.entries[dir] == entry and entry.ix == ix, 'the same index')
  H.truthy(not entry.running, 'no new pass')
  H.contains(notes_text(), 'is indexed (5 files) and watched for changes')
  -- and without an argument, from a buffer of the folder
  open(dir .. '/call.zh.txt')
  notes = {}
  vim.cmd('Chronicle index')
  H.truthy(entry.ix == ix)
  H.contains(notes_text(), 'is indexed (5 files)')
  -- the cache name is the folder's, stable, and differs between folders
  H.eq(I.cache_path(dir), entry.cache)
  H.truthy(I.cache_path(dir .. '/sub') ~= entry.cache)
end)

H.test('hover card of an entity lists the other indexed articles with lines', function()
  open(dir .. '/call.zh.txt')
  cursor_on('拜登')
  require('chronicle.hover').close()
  require('chronicle').hover()
  local lines = require('chronicle.hover').lines()
  H.eq(lines[1], 'Joe Biden  ·  PERSON')
  H.contains(lines, 'Also in')
  H.contains(lines, '  us-vietnam-timeline.zh.md (2 mentions, line 15)')
  H.contains(lines, '  sub/call.vi.txt (1 mention, line 3)')
  -- its events in the folder, and this buffer's from the buffer
  H.contains(lines, '— điện đàm  · sub/call.vi.txt:3')
  H.contains(lines, '— 抵达  · us-vietnam-timeline.zh.md:15')
  H.contains(lines, '— 电话会谈  · line 3')
  local n = 0
  for _, l in ipairs(lines) do
    if l:find('电话会谈', 1, true) then
      n = n + 1
    end
  end
  H.eq(n, 1, 'this buffer\'s event once (the index answer for this file is left out)')
  require('chronicle.hover').close()
end)

H.test('related events: the other language\'s file at its exact place, merged, in date order', function()
  local buf = open(dir .. '/call.zh.txt')
  cursor_on('电话会谈')
  local items = require('chronicle').related()
  H.truthy(items and #items >= 3, 'related items')
  local qf = vim.fn.getqflist()
  H.eq(#qf, #items)
  local vi = dir .. '/sub/call.vi.txt'
  local lnum, col = where_in(vi, 'điện đàm', VI_CALL)
  local hit
  local seen = {}
  local prev
  local core = require('chronicle.core')
  for _, q in ipairs(qf) do
    local name = api.nvim_buf_get_name(q.bufnr)
    local key = name .. ':' .. q.lnum .. ':' .. q.col
    H.truthy(not seen[key], 'listed once: ' .. key)
    seen[key] = true
    if uv.fs_realpath(name) == vi then
      hit = q
    end
    if name:find('call.zh.txt', 1, true) then
      H.eq(q.bufnr, buf, 'this file\'s events come from its buffer')
    end
    local d = q.text:match('^(%S+)')
    if prev then
      H.truthy((core.date_key(prev) or '~') <= (core.date_key(d) or '~'), 'date order: ' .. prev .. ' then ' .. d)
    end
    prev = d
  end
  H.truthy(hit, 'call.vi.txt is in the list: ' .. vim.inspect(qf))
  H.eq({ hit.lnum, hit.col }, { lnum, col + 1 }, 'exact line and byte column')
  H.contains(hit.text, 'shares')
  H.contains(hit.text, 'same date')
  -- <CR> in the quickfix window opens the file on the trigger
  H.eq(vim.bo.buftype, 'quickfix')
  for i, q in ipairs(qf) do
    if q == hit then
      api.nvim_win_set_cursor(0, { i, 0 })
    end
  end
  api.nvim_feedkeys(api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
  H.eq(uv.fs_realpath(api.nvim_buf_get_name(0)), vi)
  local p = api.nvim_win_get_cursor(0)
  H.eq(api.nvim_get_current_line():sub(p[2] + 1, p[2] + #'điện đàm'), 'điện đàm')
  vim.cmd('cclose')
  vim.cmd('silent! only')
end)

H.test('the hover card of an event lists related events of the folder', function()
  open(dir .. '/call.zh.txt')
  cursor_on('电话会谈')
  require('chronicle.hover').close()
  require('chronicle').hover()
  local lines = require('chronicle.hover').lines()
  H.contains(lines, 'Related events (')
  H.contains(lines, '— điện đàm  (shares')
  require('chronicle.hover').close()
end)

local function timeline_lines(tbuf)
  return api.nvim_buf_get_lines(tbuf, 0, -1, false)
end

H.test('folder timeline: the merged call once, with both sources; <CR> jumps', function()
  open(dir .. '/call.zh.txt')
  local tbuf = require('chronicle').timeline('folder')
  H.eq(vim.bo[tbuf].filetype, 'chronicle-timeline')
  local lines = timeline_lines(tbuf)
  H.contains(lines[1], 'Chronicle timeline — ' .. vim.fn.fnamemodify(dir, ':~'))
  local calls, at = 0, nil
  for i, l in ipairs(lines) do
    if l:find('phone call', 1, true) and l:find('Joe Biden', 1, true) then
      calls = calls + 1
      at = i
    end
  end
  H.eq(calls, 1, 'the call is one entry: ' .. table.concat(lines, '\n'))
  H.truthy(lines[at]:find('reports$'), 'with its reports: ' .. lines[at])
  local srcs = {}
  for i = at + 1, #lines do
    if not lines[i]:match('^%s+· ') then
      break
    end
    srcs[#srcs + 1] = lines[i]
  end
  local zl = where_in(dir .. '/call.zh.txt', '电话会谈')
  local vl = where_in(dir .. '/sub/call.vi.txt', 'điện đàm', VI_CALL)
  H.contains(srcs, '· sub/call.vi.txt:' .. vl .. '  điện đàm')
  H.contains(srcs, '· call.zh.txt:' .. zl .. '  电话会谈')
  -- date order
  local core = require('chronicle.core')
  local prev
  for _, l in ipairs(lines) do
    local d = l:match('^(%d%S*)')
    if d then
      if prev then
        H.truthy((core.date_key(prev) or '~') <= (core.date_key(d) or '~'), prev .. ' then ' .. d)
      end
      prev = d
    end
  end
  -- <CR> on the Vietnamese source opens it on the trigger
  for i, l in ipairs(lines) do
    if l:find('sub/call.vi.txt:' .. vl .. '  điện đàm', 1, true) then
      api.nvim_win_set_cursor(0, { i, 0 })
    end
  end
  api.nvim_feedkeys(api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
  H.eq(uv.fs_realpath(api.nvim_buf_get_name(0)), dir .. '/sub/call.vi.txt')
  local p = api.nvim_win_get_cursor(0)
  H.eq(p[1], vl)
  H.eq(api.nvim_get_current_line():sub(p[2] + 1, p[2] + #'điện đàm'), 'điện đàm')
  vim.cmd('silent! only')
end)

H.test(':Chronicle timeline folder FROM TO keeps those dates', function()
  open(dir .. '/call.zh.txt')
  vim.cmd('Chronicle timeline folder 2023-03 2023-03')
  local lines = timeline_lines(0)
  H.contains(lines[1], '(2023-03 … 2023-03)')
  for _, l in ipairs(lines) do
    local d = l:match('^(%d%S*)')
    if d then
      H.truthy(d:sub(1, 7) == '2023-03', 'in March 2023: ' .. l)
    end
  end
  H.contains(lines, 'phone call')
  vim.cmd('silent! only')
  notes = {}
  vim.cmd('Chronicle timeline buffer 2023')
  H.contains(notes_text(), 'FROM and TO go with :Chronicle timeline folder')
end)

H.test('watching: a new file appears, a deleted one disappears', function()
  local gen = entry.progress.generation
  write(dir .. '/new.en.md', '# Call\n\nOn 5 May 2024, Joe Biden met Nguyễn Phú Trọng in Hanoi.\n')
  local ok = vim.wait(8000, function()
    return entry.files == n_files + 1
  end, 50)
  H.truthy(ok, 'the new file is indexed while watching (files: ' .. tostring(entry.files) .. ')')
  H.truthy(entry.progress.generation > gen)
  H.eq(require('chronicle').statusline(), 'chronicle 6 files')
  local files = I.entity('Q6279', {}, {}, {})
  local names = {}
  for _, f in ipairs(files) do
    names[#names + 1] = f.name
  end
  H.truthy(vim.tbl_contains(names, 'new.en.md'), 'Joe Biden is named in the new file: ' .. table.concat(names, ', '))
  os.remove(dir .. '/new.en.md')
  ok = vim.wait(8000, function()
    return entry.files == n_files
  end, 50)
  H.truthy(ok, 'the deleted file left the index')
  files = I.entity('Q6279', {}, {}, {})
  for _, f in ipairs(files) do
    H.truthy(f.name ~= 'new.en.md', 'no result from a deleted file')
  end
end)

H.test('a slow answer: the card, the quickfix list and the timeline fill in when it comes', function()
  local hv = require('chronicle.hover')
  local wait = I.WAIT_MS
  I.WAIT_MS = 0 -- never wait: every answer comes "late"
  local ok, err = pcall(function()
    open(dir .. '/call.zh.txt')
    cursor_on('拜登')
    hv.close()
    require('chronicle').hover()
    H.contains(hv.lines(), 'Folder index: looking…')
    H.truthy(vim.wait(5000, function()
      local l = hv.lines()
      return l and not table.concat(l, '\n'):find('looking', 1, true)
    end, 5), 'the card filled in')
    -- (call.vi.txt is open in a buffer by now: the buffer answers for it)
    H.contains(hv.lines(), '  us-vietnam-timeline.zh.md (2 mentions, line 15)')
    hv.close()
    -- asked again: the index's answer is kept (per index generation)
    require('chronicle').hover()
    H.truthy(not table.concat(hv.lines(), '\n'):find('looking', 1, true), 'answered at once the second time')
    hv.close()
    -- the quickfix list: the buffer's events now, the index's added later
    cursor_on('同意')
    notes = {}
    require('chronicle').related()
    local n0 = #vim.fn.getqflist()
    H.truthy(vim.wait(5000, function()
      return #vim.fn.getqflist() > n0
    end, 5), 'the index added to the list')
    H.contains(notes_text(), 'the folder index added')
    local found = false
    for _, q in ipairs(vim.fn.getqflist()) do
      found = found or api.nvim_buf_get_name(q.bufnr):find('us-vietnam-timeline.zh.md', 1, true) ~= nil
    end
    H.truthy(found, 'us-vietnam-timeline.zh.md (not open) is in the list now')
    vim.cmd('cclose')
    -- the timeline: a placeholder, then the events
    local tbuf = require('chronicle').timeline('folder', '2023', '2023')
    H.contains(timeline_lines(tbuf), 'The folder index is answering…')
    H.truthy(vim.wait(5000, function()
      return not table.concat(timeline_lines(tbuf), '\n'):find('answering', 1, true)
    end, 5), 'the timeline filled in')
    H.contains(timeline_lines(tbuf), '  điện đàm')
    H.eq(api.nvim_get_current_buf(), tbuf)
    H.truthy(api.nvim_win_get_cursor(0)[1] >= 3, 'the cursor on the first entry')
    vim.cmd('silent! only')
  end)
  I.WAIT_MS = wait
  if not ok then
    error(err, 0)
  end
end)

-- a folder big enough that a pass takes a while
local big = tmp .. '/big'
vim.fn.mkdir(big, 'p')
do
  local text = read(root .. '/samples/us-vietnam-timeline.zh.md')
  for i = 1, 1500 do
    write(('%s/a%04d.md'):format(big, i), text .. '\n' .. i .. '\n')
  end
end
big = uv.fs_realpath(big)

H.test('progress while a pass runs: messages and the statusline', function()
  notes = {}
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(big))
  local e = I.entries[big]
  local seen_echo, seen_status
  vim.wait(15000, function()
    I._poll(e)
    local s = require('chronicle').statusline()
    if (I.last_echo or ''):match('^chronicle: indexing %d+/%d+ files') then
      seen_echo = I.last_echo
    end
    if s:match('^chronicle %d+/%d+$') then
      seen_status = s
    end
    return not e.running
  end, 1)
  H.truthy(seen_echo, 'a progress message "chronicle: indexing N/M files"')
  H.contains(seen_echo, ' — ' .. vim.fn.fnamemodify(big, ':~'))
  H.truthy(seen_status, 'a statusline "chronicle N/M"')
  H.eq(e.progress.state, 'watching')
  H.eq(e.files, 1500)
  H.eq(require('chronicle').statusline(), 'chronicle 1505 files', 'both folders counted')
end)

H.test(':Chronicle! index stops watching; the index stays open for queries', function()
  notes = {}
  vim.cmd('Chronicle! index ' .. vim.fn.fnameescape(big))
  local e = I.entries[big]
  -- freed (its thread stops), then reopened from its cache on a worker
  H.truthy(vim.wait(10000, function()
    return e.ix ~= nil and not e.opening
  end, 5), 'open again')
  H.eq(e.progress.state, 'idle')
  H.contains(notes_text(), 'stopped watching')
  H.eq(e.files, 1500)
  local files = I.entity('Q6279', {}, {}, {})
  H.truthy(#files > 1500, 'its files still answer')
end)

H.test(':Chronicle! index cancels a running pass; :Chronicle index carries on', function()
  -- a new pass over a folder changed everywhere (every file read again)
  for i = 1, 1500 do
    write(('%s/a%04d.md'):format(big, i), read(root .. '/samples/vietnam-india-visit.vi.txt') .. '\n' .. i .. '\n')
  end
  I.close(big)
  notes = {}
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(big))
  vim.cmd('Chronicle! index ' .. vim.fn.fnameescape(big))
  local e = I.entries[big]
  H.truthy(I.wait(15000), 'the pass ended')
  H.eq(e.progress.state, 'cancelled')
  H.contains(notes_text(), 'cancelling the indexing of')
  H.contains(notes_text(), 'chronicle: indexing cancelled at ')
  H.contains(require('chronicle').statusline(), '(cancelled)')
  notes = {}
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(big))
  H.truthy(I.wait(15000))
  H.eq(e.progress.state, 'watching')
  H.eq(e.files, 1500)
  H.contains(notes_text(), 'chronicle: indexed ')
  notes = {}
  vim.cmd('Chronicle! index')
  H.truthy(I.wait(10000))
  H.truthy(vim.wait(10000, function()
    return count_notes('stopped watching') == 2
  end, 5))
  H.contains(notes_text(), 'stopped watching ' .. vim.fn.fnamemodify(big, ':~'))
  H.contains(notes_text(), 'stopped watching ' .. vim.fn.fnamemodify(dir, ':~'))
  -- back to watching the news folder for what follows
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(dir))
  H.truthy(I.wait(15000))
  H.eq(entry.progress.state, 'watching')
  I.close(big)
end)

H.test('while a worker asks the index, cancelling waits for it without blocking', function()
  entry.inflight = entry.inflight + 1 -- as if a query were under way
  notes = {}
  local t0 = uv.hrtime()
  vim.cmd('Chronicle! index ' .. vim.fn.fnameescape(dir))
  H.truthy((uv.hrtime() - t0) / 1e6 < 100, 'the command returned at once')
  vim.wait(150)
  H.eq(entry.progress.state, 'watching', 'nothing done while the worker holds the index')
  entry.inflight = entry.inflight - 1
  H.truthy(vim.wait(5000, function()
    return count_notes('stopped watching') == 1 and entry.ix ~= nil and not entry.opening
  end, 5), 'done once the worker finished')
  -- and back to watching
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(dir))
  H.truthy(I.wait(15000))
  H.eq(entry.progress.state, 'watching')
end)

H.test('errors: a missing folder, a file, no folder to index', function()
  notes = {}
  vim.cmd('Chronicle index ' .. tmp .. '/nope')
  H.contains(notes_text(), 'chronicle: no such folder: ' .. tmp .. '/nope')
  notes = {}
  vim.cmd('Chronicle index ' .. vim.fn.fnameescape(dir .. '/call.zh.txt'))
  H.contains(notes_text(), 'chronicle: not a folder: ')
  notes = {}
  vim.cmd('enew')
  vim.cmd('Chronicle index')
  H.contains(notes_text(), 'which folder?')
  H.truthy(not notes_text():find('stack traceback', 1, true), 'no traceback')
  notes = {}
  vim.cmd('Chronicle index a b')
  H.contains(notes_text(), 'takes one folder')
  vim.cmd('bwipeout!')
end)

H.test('setup option validation for the index options', function()
  local config = require('chronicle.config')
  local _, errs = config.validate({ index_folders = '~/news', index_extensions = { '.md' }, index_cache_dir = 3 })
  H.eq(#errs, 3)
  local all = table.concat(errs, '\n')
  H.contains(all, 'option `index_folders` must be a list of folder paths')
  H.contains(all, 'option `index_extensions` must be a list of file extensions without the dot')
  H.contains(all, 'option `index_cache_dir` must be a folder path')
  local _, none = config.validate({ index_folders = { '~/a', '/b' }, index_extensions = { 'md', 'txt' } })
  H.eq(none, {})
end)

H.test(':checkhealth chronicle reports the index', function()
  vim.cmd('silent checkhealth chronicle')
  local out = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  H.contains(out, 'chronicle: folder index')
  H.contains(out, 'the library has the folder index')
  H.contains(out, 'cache folder: ' .. cachedir)
  H.contains(out, 'index: ' .. vim.fn.fnamemodify(dir, ':~') .. ' — watching; 5 files')
  H.contains(out, '1 folder index open')
  H.truthy(not out:find('ERROR'), 'no errors')
  vim.cmd('bwipeout!')
end)

-- A separate Neovim, started as a user would, with index_folders set and
-- the default cache location (XDG_CACHE_HOME pointed at a temporary
-- folder): nothing at startup, the index on the first annotate, a file
-- added while it watches, and the cache written when it quits.
H.test('index_folders: lazy, cache under stdpath("cache") after :qa', function()
  local folder = tmp .. '/lazy'
  vim.fn.mkdir(folder, 'p')
  copy(root .. '/tests/cli/timeline/call.zh.txt', folder .. '/call.zh.txt')
  copy(root .. '/tests/cli/timeline/call.vi.txt', folder .. '/call.vi.txt')
  folder = uv.fs_realpath(folder)
  local xdg = tmp .. '/xdg'
  local out = tmp .. '/child.txt'
  local script = tmp .. '/child.lua'
  write(script, ([[
local out = io.open(%q, 'w')
local function say(k, v) out:write(k, '=', tostring(v), '\n') out:flush() end
vim.o.swapfile = false
require('chronicle').setup({ index_folders = { %q } })
say('loaded_at_setup', package.loaded['chronicle.index'] ~= nil)
say('cache_dir_at_setup', vim.fn.isdirectory(vim.fn.stdpath('cache') .. '/chronicle'))
vim.cmd('edit ' .. %q)
vim.wait(3000, function() return package.loaded['chronicle.index'] and require('chronicle.index').any() end, 10)
local I = require('chronicle.index')
say('started_on_annotate', I.any())
say('ready', I.wait(15000))
local e = I.active()[1]
say('state', e.progress.state)
say('cache', e.cache)
local f = io.open(%q, 'w')
f:write('2024年5月5日，拜登会见阮富仲。\n')
f:close()
say('seen', vim.wait(8000, function() return e.files == 3 end, 50))
vim.cmd('qa!')
]]):format(out, folder, folder .. '/call.zh.txt', folder .. '/later.zh.md'))
  local cmd = {
    'env',
    'XDG_CACHE_HOME=' .. xdg,
    vim.v.progpath,
    '--headless',
    '-u',
    'NONE',
    '-i',
    'NONE',
    '-n',
    '--cmd',
    'set rtp^=' .. root,
    '-c',
    'filetype on',
    '-c',
    'runtime plugin/chronicle.lua',
    '-c',
    'luafile ' .. script,
  }
  local res = vim.fn.system(cmd)
  H.eq(vim.v.shell_error, 0, 'child exit status; output: ' .. res)
  local got = {}
  for k, v in read(out):gmatch('([%w_]+)=([^\n]*)') do
    got[k] = v
  end
  H.eq(got.loaded_at_setup, 'false', 'no index module at startup')
  H.eq(got.cache_dir_at_setup, '0', 'no cache folder at startup')
  H.eq(got.started_on_annotate, 'true', 'indexed on the first annotate')
  H.eq(got.ready, 'true')
  H.eq(got.state, 'watching')
  H.eq(got.seen, 'true', 'the added file was seen while watching')
  local cache = got.cache or ''
  H.truthy(cache:find(xdg .. '/nvim/chronicle/lazy-', 1, true) == 1, 'cache under stdpath("cache")/chronicle: ' .. cache)
  H.truthy(vim.fn.filereadable(cache) == 1, 'the cache file exists after :qa')
  -- the cache holds the file added while watching (written before exit)
  local files = vim.fn.json_decode(vim.fn.system({ root .. '/build/chronicle', 'query', cache, '--files' }))
  local names = {}
  for _, f in ipairs(files.files) do
    names[#names + 1] = vim.fn.fnamemodify(f.path, ':t')
  end
  table.sort(names)
  H.eq(names, { 'call.vi.txt', 'call.zh.txt', 'later.zh.md' })
end)

H.test('VimLeavePre frees every index', function()
  local aus = api.nvim_get_autocmds({ group = 'chronicle_index', event = 'VimLeavePre' })
  H.eq(#aus, 1)
  I.close_all()
  H.eq(#I.active(), 0)
  H.eq(require('chronicle').statusline(), '')
end)

vim.fn.delete(tmp, 'rf')
local ok = H.done()
vim.cmd(ok and 'qa!' or 'cquit!')
