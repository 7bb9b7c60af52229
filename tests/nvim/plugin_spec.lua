-- Headless Neovim tests of the real plugin and the real build/libchronicle.so.
-- Run by tests/nvim/run.sh as:
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=ROOT' -c 'luafile tests/nvim/plugin_spec.lua'
local root = vim.env.CHRONICLE_ROOT or vim.fn.getcwd()
package.path = root .. '/tests/nvim/?.lua;' .. package.path
local H = require('harness')
H.suite = 'nvim ' .. (vim.fn.execute('version'):match('NVIM (v[%d%.]+)') or '?') .. ': '
local api = vim.api

vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'A'
vim.cmd('filetype on')

-- every notification, for assertions about messages
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

local tmp = vim.fn.tempname()
vim.fn.mkdir(tmp, 'p')

------------------------------------------------------------------------------
H.test('plugin/ defines the command and <Plug> maps without loading anything', function()
  vim.cmd('runtime plugin/chronicle.lua')
  H.eq(vim.fn.exists(':Chronicle'), 2, ':Chronicle exists')
  for _, p in ipairs({ 'hover', 'next-event', 'prev-event', 'related' }) do
    H.truthy(vim.fn.maparg('<Plug>(chronicle-' .. p .. ')', 'n') ~= '', '<Plug>(chronicle-' .. p .. ') is mapped')
  end
  H.eq(package.loaded['chronicle'], nil, 'chronicle not required at startup')
  H.eq(package.loaded['chronicle.ffi'], nil, 'FFI module not required at startup')
end)

H.test('completion of :Chronicle', function()
  local c = require('chronicle')
  H.eq(c.complete('', 'Chronicle '), c.subcommands)
  H.eq(c.complete('t', 'Chronicle t'), { 'toggle', 'timeline' })
  H.eq(c.complete('', 'Chronicle export '), { 'md', 'json', 'csv', 'ics', 'w3c' })
  H.eq(c.complete('a', 'Chronicle timeline a'), { 'all' })
  H.eq(vim.fn.getcompletion('Chronicle ex', 'cmdline'), { 'export' })
end)

H.test('option validation: clear messages, defaults kept', function()
  local config = require('chronicle.config')
  local cfg, errs = config.validate({ filetypes = 'markdown', debounce_ms = -5, filetype = { 'x' }, signs = 'toolong' })
  H.eq(#errs, 4)
  local all = table.concat(errs, '\n')
  H.contains(all, 'option `filetypes` must be a list of filetype names')
  H.contains(all, 'option `debounce_ms` must be a whole number of milliseconds between 0 and 60000; got -5 (a number)')
  H.contains(all, 'unknown option `filetype` — did you mean `filetypes`?')
  H.contains(all, 'option `signs` must be true, false, or a sign text of 1 or 2 cells')
  H.eq(cfg.filetypes, { 'markdown', 'text' })
  H.eq(cfg.debounce_ms, 250)
  local _, none = config.validate({ auto_annotate = false, virtual_text = 'eol', max_bytes = 4096, export_dir = '/tmp' })
  H.eq(none, {})
  local _, e2 = config.validate('yes')
  H.contains(e2[1], 'expected a table of options')
  -- setup reports through vim.notify as an error, once, and keeps going
  notes = {}
  require('chronicle').setup({ debounce_ms = 'fast' })
  H.eq(#notes, 1)
  H.eq(notes[1].level, vim.log.levels.ERROR)
  H.contains(notes[1].msg, '`debounce_ms`')
  H.eq(require('chronicle').config.debounce_ms, 250)
  local d, derr = config.check_dct('2023-13-01')
  H.eq(d, nil)
  H.contains(derr, 'YYYY-MM-DD')
end)

require('chronicle').setup({ export_dir = tmp .. '/export', debounce_ms = 30 })
local A = require('chronicle.annotate')
local F = require('chronicle.ffi')

local function cli_json(path)
  local out = vim.fn.system({ root .. '/build/chronicle', 'annotate', path, '--format', 'json' })
  return vim.fn.json_decode(out)
end

local function open(path)
  vim.cmd('silent edit ' .. vim.fn.fnameescape(path))
  local buf = api.nvim_get_current_buf()
  -- auto-annotation is scheduled after FileType: let it run
  vim.wait(2000, function()
    local st = A.states[buf]
    return st and st.tick == api.nvim_buf_get_changedtick(buf) and not st.busy and not st.pending
  end, 5)
  return buf
end

local function marks(buf)
  local out = {}
  for _, m in ipairs(api.nvim_buf_get_extmarks(buf, A.ns, 0, -1, { details = true })) do
    local d = m[4]
    if d.hl_group then
      out[#out + 1] = { m[2], m[3], d.end_row, d.end_col, d.hl_group }
    end
  end
  return out
end

-- what the CLI's JSON says, as extmarks: rows/cols from the file's bytes
local function expected_marks(path)
  local f = assert(io.open(path, 'rb'))
  local text = f:read('*a')
  f:close()
  local core = require('chronicle.core')
  local starts = core.text_line_starts(text)
  local j = cli_json(path)
  local groups = { PERSON = 'ChroniclePerson', GPE = 'ChronicleGPE', LOC = 'ChronicleLoc', ORG = 'ChronicleOrg' }
  local out = {}
  local function add(m, group)
    local r, c = core.locate(starts, m.start)
    local r2, c2 = core.locate(starts, m['end'])
    out[#out + 1] = { r, c, r2, c2, group }
  end
  for _, e in ipairs(j.entities) do
    add(e, groups[e.type])
  end
  for _, t in ipairs(j.timexes) do
    add(t, 'ChronicleDate')
  end
  for _, ev in ipairs(j.events) do
    add(ev, 'ChronicleEvent')
  end
  table.sort(out, function(a, b)
    for i = 1, 4 do
      if a[i] ~= b[i] then
        return a[i] < b[i]
      end
    end
    return a[5] < b[5]
  end)
  return out, j
end

local function sorted(list)
  table.sort(list, function(a, b)
    for i = 1, 4 do
      if a[i] ~= b[i] then
        return a[i] < b[i]
      end
    end
    return a[5] < b[5]
  end)
  return list
end

local samples = vim.fn.glob(root .. '/samples/*', false, true)
for _, path in ipairs(samples) do
  local name = vim.fn.fnamemodify(path, ':t')
  H.test('extmarks match the CLI JSON: ' .. name, function()
    local buf = open(path)
    H.truthy(A.states[buf] and A.states[buf].enabled, 'auto-annotated on open (filetype ' .. vim.bo.filetype .. ')')
    local want, j = expected_marks(path)
    H.truthy(#j.entities > 0 and #j.timexes > 0, 'the CLI found entities and dates')
    H.eq(sorted(marks(buf)), want, 'extmark positions and groups')
    -- normalised dates as end-of-line virtual text, where they say more
    local virt = {}
    for _, m in ipairs(api.nvim_buf_get_extmarks(buf, A.ns, 0, -1, { details = true })) do
      if m[4].virt_text then
        virt[#virt + 1] = m[4].virt_text[1][1]
      end
    end
    local core = require('chronicle.core')
    local want_virt = {}
    for _, t in ipairs(j.timexes) do
      local s = core.date_short({ value = t.value, mod = t.mod ~= vim.NIL and t.mod or nil, end_value = t.end_value ~= vim.NIL and t.end_value or nil, type = t.type })
      if s and s ~= t.text then
        want_virt[#want_virt + 1] = ' ' .. s
      end
    end
    H.eq(virt, want_virt, 'virtual text')
  end)
end

H.test('a buffer going away gives the engine its working memory back', function()
  local F = require('chronicle.ffi')
  local real, calls = F.trim, 0
  F.trim = function()
    calls = calls + 1
    real()
  end
  local buf = open(root .. '/samples/vietnam-india-visit.vi.txt')
  H.truthy(A.states[buf] and A.states[buf].enabled, 'annotated')
  vim.cmd('bwipeout! ' .. buf)
  F.trim = real
  H.truthy(calls >= 1, 'trimmed when the buffer was wiped')
  H.truthy(pcall(real), 'chr_engine_trim is in the library')
  -- and the next buffer annotates as before
  local again = open(root .. '/samples/us-vietnam-timeline.zh.md')
  H.truthy(#marks(again) > 0, 'marks after the trim')
end)

H.test('every mark lives in the one namespace', function()
  local buf = api.nvim_get_current_buf()
  local names = api.nvim_get_namespaces()
  local n = 0
  for name, id in pairs(names) do
    if name:find('chronicle') and name ~= 'chronicle_probe' then
      n = n + 1
      H.eq(id, A.ns)
    end
  end
  H.eq(n, 1)
  H.truthy(#marks(buf) > 0)
end)

local zh = root .. '/samples/us-vietnam-timeline.zh.md'

local function cursor_on(text, nth)
  -- puts the cursor on the nth occurrence of `text` in the buffer
  nth = nth or 1
  local lines = api.nvim_buf_get_lines(0, 0, -1, false)
  for i, l in ipairs(lines) do
    local s = 0
    while true do
      s = l:find(text, s + 1, true)
      if not s then
        break
      end
      nth = nth - 1
      if nth == 0 then
        api.nvim_win_set_cursor(0, { i, s - 1 })
        return i, s - 1
      end
    end
  end
  error('not in buffer: ' .. text)
end

local function float_wins()
  local out = {}
  for _, w in ipairs(api.nvim_list_wins()) do
    if api.nvim_win_get_config(w).relative ~= '' then
      out[#out + 1] = w
    end
  end
  return out
end

H.test('hover card for an entity (拜登 / Joe Biden)', function()
  local buf = open(zh)
  cursor_on('拜登')
  local win = require('chronicle').hover()
  H.truthy(win and api.nvim_win_is_valid(win), 'a window opened')
  H.eq(#float_wins(), 1, 'one floating window')
  H.truthy(api.nvim_get_current_buf() == buf, 'focus stays in the article')
  local lines = require('chronicle.hover').lines()
  H.eq(lines[1], 'Joe Biden  ·  PERSON')
  H.contains(lines, 'President of the United States (2021–2025)')
  H.contains(lines, '中文: 约瑟夫·拜登, 乔·拜登, 拜登')
  H.contains(lines, 'Dates: 2021 – 2025')
  H.contains(lines, 'As written: 拜登 (found by kb)')
  H.contains(lines, 'In this buffer: 2 mentions, line 15')
  H.contains(lines, 'Events (')
  H.contains(lines, '2023-09-10  visit  Joe Biden — 抵达  · line 15')
  local hb = api.nvim_win_get_buf(win)
  H.eq(vim.bo[hb].buftype, 'nofile')
  H.eq(vim.bo[hb].filetype, 'chronicle-hover')
  -- the same for the English spelling in parentheses
  require('chronicle.hover').close()
  cursor_on('Joe Biden')
  require('chronicle').hover()
  H.eq(require('chronicle.hover').lines()[1], 'Joe Biden  ·  PERSON')
  H.contains(require('chronicle.hover').lines(), 'As written: Joe Biden')
end)

H.test('hover card closes on cursor move, focuses on second call, q closes', function()
  open(zh)
  local hv = require('chronicle.hover')
  hv.close()
  cursor_on('拜登')
  require('chronicle').hover()
  -- a CursorMoved that reports the same spot keeps it
  vim.cmd('doautocmd CursorMoved')
  H.truthy(hv.is_open(), 'still open')
  api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('doautocmd CursorMoved')
  H.truthy(not hv.is_open(), 'closed after moving')
  H.eq(#float_wins(), 0)
  cursor_on('拜登')
  local w = require('chronicle').hover()
  require('chronicle').hover()
  H.eq(api.nvim_get_current_win(), w, 'second call focuses the card')
  api.nvim_feedkeys('q', 'x', false)
  H.truthy(not hv.is_open(), 'q closed it')
end)

H.test('hover card for a date', function()
  open(zh)
  require('chronicle.hover').close()
  cursor_on('2023年9月10日')
  require('chronicle').hover()
  local lines = require('chronicle.hover').lines()
  H.eq(lines[1], '2023-09-10  ·  DATE')
  H.contains(lines, 'Sunday, 10 September 2023')
  H.contains(lines, 'As written: 2023年9月10日')
  H.contains(lines, 'Events on this date (')
  require('chronicle.hover').close()
  cursor_on('10月18日至20日')
  require('chronicle').hover()
  lines = require('chronicle.hover').lines()
  H.eq(lines[1], '2023-10-18..20  ·  DATE')
  H.contains(lines, '18–20 October 2023')
  require('chronicle.hover').close()
end)

H.test('hover card for an event', function()
  open(zh)
  cursor_on('抵达')
  require('chronicle').hover()
  local lines = require('chronicle.hover').lines()
  H.truthy(lines and lines[1]:find('CAMEO 04', 1, true), 'event card: ' .. vim.inspect(lines))
  H.contains(lines, 'Trigger: 抵达')
  H.contains(lines, 'Actors: Joe Biden (PERSON)')
  H.contains(lines, 'Date: 2023-09-10 — Sunday, 10 September 2023')
  H.contains(lines, 'Date source: from "2023年9月10日" on line 15')
  H.contains(lines, 'Status: happened')
  H.contains(lines, 'Related events (')
  require('chronicle.hover').close()
end)

H.test('nothing under the cursor says so', function()
  open(zh)
  api.nvim_win_set_cursor(0, { 6, 0 })
  notes = {}
  H.eq(require('chronicle').hover(), nil)
  H.contains(notes_text(), 'nothing annotated under the cursor')
end)

H.test('related events go to the quickfix list; <CR> lands on the trigger', function()
  local buf = open(zh)
  cursor_on('抵达')
  local items = require('chronicle').related()
  H.truthy(items and #items >= 2, 'related items')
  local qf = vim.fn.getqflist()
  H.eq(#qf, #items)
  H.contains(vim.fn.getqflist({ title = 1 }).title, 'chronicle: related to visit 2023-09-10')
  local prev
  for _, q in ipairs(qf) do
    H.eq(q.bufnr, buf)
    H.truthy(q.text:find('same date', 1, true) or q.text:find('shares', 1, true), 'a reason: ' .. q.text)
    -- sorted by date
    local d = q.text:match('^(%S+)')
    if prev then
      H.truthy(require('chronicle.core').date_key(prev) <= require('chronicle.core').date_key(d), 'date order')
    end
    prev = d
  end
  -- <CR> in the quickfix window jumps to the exact byte
  H.eq(vim.bo.buftype, 'quickfix', 'the quickfix window is open and focused')
  api.nvim_win_set_cursor(0, { 2, 0 })
  api.nvim_feedkeys(api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
  H.eq(api.nvim_get_current_buf(), buf)
  local pos = api.nvim_win_get_cursor(0)
  H.eq({ pos[1], pos[2] + 1 }, { qf[2].lnum, qf[2].col })
  local line = api.nvim_get_current_line()
  local trig = qf[2].text:match('— (%S+)')
  H.eq(line:sub(pos[2] + 1, pos[2] + #trig), trig, 'cursor on the trigger')
  vim.cmd('cclose')
end)

H.test('related from an entity lists its events; vim.ui.select when configured', function()
  open(zh)
  cursor_on('拜登')
  local items = require('chronicle').related()
  H.truthy(#items >= 1)
  vim.cmd('cclose')
  local c = require('chronicle').config
  c.related_picker = 'select'
  local seen
  local orig = vim.ui.select
  vim.ui.select = function(list, opts, cb)
    seen = { n = #list, prompt = opts.prompt, first = opts.format_item(list[1]) }
    cb(list[#list])
  end
  cursor_on('抵达')
  require('chronicle').related()
  vim.ui.select = orig
  c.related_picker = 'quickfix'
  H.truthy(seen and seen.n >= 2, 'select was offered')
  H.contains(seen.first, '· us-vietnam-timeline.zh.md:15')
  H.truthy(#vim.fn.getqflist() == seen.n, 'the quickfix list is filled too')
end)

H.test(']e / [e move between events', function()
  local buf = open(zh)
  local evs = A.snapshot(buf).events
  H.truthy(#evs >= 2)
  api.nvim_win_set_cursor(0, { 1, 0 })
  require('chronicle').next_event()
  local p = api.nvim_win_get_cursor(0)
  H.eq({ p[1] - 1, p[2] }, { evs[1].row, evs[1].col })
  require('chronicle').next_event()
  p = api.nvim_win_get_cursor(0)
  H.eq({ p[1] - 1, p[2] }, { evs[2].row, evs[2].col })
  require('chronicle').prev_event()
  p = api.nvim_win_get_cursor(0)
  H.eq({ p[1] - 1, p[2] }, { evs[1].row, evs[1].col })
  -- through the <Plug> mapping too
  api.nvim_feedkeys(api.nvim_replace_termcodes('<Plug>(chronicle-next-event)', true, false, true), 'x', false)
  p = api.nvim_win_get_cursor(0)
  H.eq({ p[1] - 1, p[2] }, { evs[2].row, evs[2].col })
end)

H.test('timeline of the buffer: date order, <CR> jumps to the source', function()
  local buf = open(zh)
  local tbuf = require('chronicle').timeline('buffer')
  H.eq(api.nvim_get_current_buf(), tbuf)
  H.eq(vim.bo[tbuf].filetype, 'chronicle-timeline')
  H.eq(vim.bo[tbuf].buftype, 'nofile')
  local lines = api.nvim_buf_get_lines(tbuf, 0, -1, false)
  local n_ev = #A.snapshot(buf).events
  H.eq(lines[1], ('Chronicle timeline — us-vietnam-timeline.zh.md — %d events, in date order'):format(n_ev))
  local core = require('chronicle.core')
  local prev
  local n = 0
  for i = 3, #lines do
    local d = lines[i]:match('^(%S+)')
    H.truthy(lines[i]:find('· line %d+$'), 'line ref: ' .. lines[i])
    if prev then
      H.truthy((core.date_key(prev) or '~') <= (core.date_key(d) or '~'), 'date order: ' .. prev .. ' then ' .. d)
    end
    prev = d
    n = n + 1
  end
  H.truthy(n >= n_ev)
  H.contains(lines, '2023-09-10     visit                Joe Biden — 抵达  · line 15')
  -- jump from the Biden line
  for i, l in ipairs(lines) do
    if l:find('Joe Biden — 抵达', 1, true) then
      api.nvim_win_set_cursor(0, { i, 0 })
    end
  end
  api.nvim_feedkeys(api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
  H.eq(api.nvim_get_current_buf(), buf)
  local p = api.nvim_win_get_cursor(0)
  H.eq(api.nvim_get_current_line():sub(p[2] + 1, p[2] + #'抵达'), '抵达')
  vim.cmd('only')
end)

H.test('timeline of all annotated buffers names each file', function()
  open(root .. '/samples/vietnam-india-visit.vi.txt')
  open(zh)
  local tbuf = require('chronicle').timeline('all')
  local lines = api.nvim_buf_get_lines(tbuf, 0, -1, false)
  H.contains(lines[1], 'buffers')
  H.contains(lines, 'us-vietnam-timeline.zh.md:15')
  H.contains(lines, 'vietnam-india-visit.vi.txt:')
  vim.cmd('only')
end)

local function read(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function csv_rows(text)
  -- RFC 4180: quoted fields may hold commas, quotes ("") and newlines
  local rows, row, field, i, n = {}, {}, {}, 1, #text
  local quoted = false
  while i <= n do
    local ch = text:sub(i, i)
    if quoted then
      if ch == '"' and text:sub(i + 1, i + 1) == '"' then
        field[#field + 1] = '"'
        i = i + 1
      elseif ch == '"' then
        quoted = false
      else
        field[#field + 1] = ch
      end
    elseif ch == '"' then
      quoted = true
    elseif ch == ',' then
      row[#row + 1] = table.concat(field)
      field = {}
    elseif ch == '\r' and text:sub(i + 1, i + 1) == '\n' then
      row[#row + 1] = table.concat(field)
      rows[#rows + 1] = row
      row, field = {}, {}
      i = i + 1
    else
      field[#field + 1] = ch
    end
    i = i + 1
  end
  return rows
end

H.test('export json/csv/ics/md/w3c, parsed back', function()
  open(zh)
  local E = require('chronicle.export')
  local j_cli = cli_json(zh)
  local dir = tmp .. '/export'
  -- json: the SPEC §3 object equals the CLI's, plus file info
  local p = E.export('json')
  H.eq(p, dir .. '/us-vietnam-timeline.zh.chronicle.json')
  local j = vim.fn.json_decode(read(p))
  for _, k in ipairs({ 'version', 'lang', 'dct', 'dct_source', 'entities', 'timexes', 'events' }) do
    H.eq(j[k], j_cli[k], 'json field ' .. k)
  end
  H.eq(j.file.name, 'us-vietnam-timeline.zh.md')
  H.eq(j.file.bytes, #read(zh))
  -- csv: a header and one row per event, same field count everywhere
  p = E.export('csv')
  local rows = csv_rows(read(p))
  H.eq(rows[1], require('chronicle.core').CSV_COLUMNS)
  H.eq(#rows - 1, #j_cli.events)
  for i = 2, #rows do
    H.eq(#rows[i], #rows[1], 'fields in row ' .. i)
  end
  -- ics: one VEVENT per dated event, CRLF, folded lines
  p = E.export('ics')
  local ics = read(p)
  H.truthy(ics:sub(1, 17) == 'BEGIN:VCALENDAR\r\n')
  local n_ev, n_end = 0, 0
  for line in ics:gmatch('(.-)\r\n') do
    H.truthy(#line <= 75, 'folded: ' .. line)
    H.truthy(line:find(':', 1, true) or line:sub(1, 1) == ' ', 'property line: ' .. line)
    if line == 'BEGIN:VEVENT' then
      n_ev = n_ev + 1
    elseif line == 'END:VEVENT' then
      n_end = n_end + 1
    end
  end
  local dated = 0
  for _, ev in ipairs(j_cli.events) do
    if ev.date ~= vim.NIL and require('chronicle.core').ics_span(ev.date) then
      dated = dated + 1
    end
  end
  H.eq(n_ev, dated)
  H.eq(n_end, dated)
  H.truthy(not ics:gsub('\r\n', ''):find('\n'), 'no bare LF')
  -- md: front matter, table, [[links]]
  p = E.export('md')
  local md = read(p)
  H.truthy(md:sub(1, 4) == '---\n')
  H.contains(md, 'title: "Chronicle — 美越关系大事记"')
  H.contains(md, '| Date | Event | Actors | Place | Trigger | Source |')
  H.contains(md, '[[Joe Biden]]')
  H.contains(md, '`us-vietnam-timeline.zh.md:15`')
  -- w3c: every TextPositionSelector (code points) selects its exact quote
  p = E.export('w3c')
  local w = vim.fn.json_decode(read(p))
  H.eq(w['@context'], 'http://www.w3.org/ns/anno.jsonld')
  H.eq(w.total, #j_cli.entities + #j_cli.timexes + #j_cli.events)
  local text = read(zh)
  for _, it in ipairs(w.first.items) do
    local q, pos = it.target.selector[1], it.target.selector[2]
    H.eq(q.type, 'TextQuoteSelector')
    H.eq(pos.type, 'TextPositionSelector')
    H.eq(vim.fn.strcharpart(text, pos.start, pos['end'] - pos.start), q.exact)
  end
end)

H.test('export never overwrites silently', function()
  open(zh)
  local E = require('chronicle.export')
  local target = tmp .. '/export/us-vietnam-timeline.zh.chronicle.md'
  local f = io.open(target, 'wb')
  f:write('my own notes\n')
  f:close()
  local orig = vim.ui.select
  local offered
  -- answer "new file"
  vim.ui.select = function(list, opts, cb)
    offered = {}
    for _, c in ipairs(list) do
      offered[#offered + 1] = opts.format_item(c)
    end
    cb(list[1])
  end
  local r = E.export('md')
  H.eq(r, nil, 'asked instead of writing')
  H.eq(offered, { 'Write a new file: us-vietnam-timeline.zh.chronicle-2.md', 'Overwrite us-vietnam-timeline.zh.chronicle.md', 'Cancel' })
  H.eq(read(target), 'my own notes\n', 'the existing note is untouched')
  H.contains(read(tmp .. '/export/us-vietnam-timeline.zh.chronicle-2.md'), '[[Joe Biden]]')
  -- answer "cancel"
  vim.ui.select = function(list, _, cb)
    cb(list[#list])
  end
  notes = {}
  E.export('md')
  H.eq(read(target), 'my own notes\n')
  H.contains(notes_text(), 'export cancelled')
  -- dismissing the picker (nil) cancels too
  vim.ui.select = function(_, _, cb)
    cb(nil)
  end
  E.export('md')
  H.eq(read(target), 'my own notes\n')
  vim.ui.select = orig
  -- the bang overwrites without asking
  vim.cmd('Chronicle! export md')
  H.contains(read(target), '[[Joe Biden]]')
  -- an explicit path
  vim.cmd('Chronicle export csv ' .. vim.fn.fnameescape(tmp .. '/mine.csv'))
  H.contains(read(tmp .. '/mine.csv'), 'date,date_end')
  notes = {}
  vim.cmd('Chronicle export pdf')
  H.contains(notes_text(), 'unknown export format "pdf"')
end)

H.test('edits: small buffer re-annotated after the debounce, marks follow', function()
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, { '1995年7月11日，美国与越南建交。', '', 'plain text' })
  vim.bo[buf].filetype = 'markdown'
  vim.wait(1000, function()
    return A.states[buf] and A.states[buf].tick == api.nvim_buf_get_changedtick(buf)
  end, 5)
  local n0 = #marks(buf)
  H.truthy(n0 >= 3, 'annotated: ' .. n0)
  -- insert a line above: marks move with the text at once
  api.nvim_buf_set_lines(buf, 0, 0, false, { 'new first line' })
  local m = marks(buf)
  H.eq(m[1][1], 1, 'marks moved down with the text before re-annotation')
  -- add a date; after the debounce it is annotated
  api.nvim_buf_set_lines(buf, 3, 4, false, { '2001年5月1日，两国签署协定。' })
  H.truthy(A.wait(buf, 3000), 'annotated again')
  local found = false
  for _, mk in ipairs(api.nvim_buf_get_extmarks(buf, A.ns, 0, -1, { details = true })) do
    if mk[2] == 3 and mk[4].hl_group == 'ChronicleDate' then
      found = true
    end
  end
  H.truthy(found, 'the new date is marked')
  -- delete everything: no errors, no marks out of range
  api.nvim_buf_set_lines(buf, 0, -1, false, {})
  H.truthy(A.wait(buf, 3000))
  H.eq(#marks(buf), 0)
  api.nvim_buf_delete(buf, { force = true })
  H.eq(A.states[buf], nil, 'state forgotten on wipe')
end)

local function big_lines(target_bytes)
  local src = vim.fn.readfile(zh)
  local out = {}
  local n = 0
  while n < target_bytes do
    for _, l in ipairs(src) do
      out[#out + 1] = l
      n = n + #l + 1
    end
  end
  return out
end

H.test('large buffer: only the changed paragraph is re-annotated', function()
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, big_lines(100 * 1024))
  A.enable(buf, { sync = true })
  local st = A.states[buf]
  local before = A.counts(buf)
  H.truthy(before.events > 100, 'many events')
  local row = 200
  while api.nvim_buf_get_lines(buf, row, row + 1, false)[1] ~= '' do
    row = row + 1
  end
  api.nvim_buf_set_lines(buf, row, row, false, { '', '2001年5月1日，两国签署协定。' })
  H.truthy(A.wait(buf, 3000))
  H.truthy(st.region and st.region[1] <= row + 1 and st.region[2] >= row + 2, 'a region pass: ' .. vim.inspect(st.region))
  H.truthy(st.region[2] - st.region[1] < 10, 'a small region')
  local after = A.counts(buf)
  H.truthy(after.timexes == before.timexes + 1, ('one more date: %d → %d'):format(before.timexes, after.timexes))
  local ok = false
  for _, mk in ipairs(api.nvim_buf_get_extmarks(buf, A.ns, { row + 1, 0 }, { row + 1, -1 }, { details = true })) do
    if mk[4].hl_group == 'ChronicleDate' and mk[4].virt_text and mk[4].virt_text[1][1] == ' 2001-05-01' then
      ok = true
    end
  end
  H.truthy(ok, 'the new date has its mark and value')
  api.nvim_buf_delete(buf, { force = true })
end)

H.test('large buffer: a worker thread annotates; stale results are dropped', function()
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, big_lines(A.ASYNC_MIN + 50 * 1024))
  H.truthy(F.async_supported(), 'worker threads available')
  A.enable(buf)
  local st = A.states[buf]
  H.truthy(st.busy, 'a worker is running')
  -- edit while it runs: its result is now stale
  api.nvim_buf_set_lines(buf, 0, 0, false, { '2001年5月1日，两国签署协定。', '' })
  H.truthy(A.wait(buf, 10000), 'annotated in the end')
  H.truthy((st.dropped or 0) >= 1, 'the stale result was dropped')
  -- the marks describe the current text: the new first line is annotated
  local first = api.nvim_buf_get_extmarks(buf, A.ns, { 0, 0 }, { 0, -1 }, { details = true })
  H.truthy(#first >= 1 and first[1][4].hl_group == 'ChronicleDate', 'the inserted line is annotated')
  -- and every mark is inside the buffer
  local n = api.nvim_buf_line_count(buf)
  for _, mk in ipairs(api.nvim_buf_get_extmarks(buf, A.ns, 0, -1, { details = true })) do
    H.truthy(mk[2] < n and (mk[4].end_row or 0) < n)
  end
  api.nvim_buf_delete(buf, { force = true })
end)

H.test('a result for an older changedtick is never drawn', function()
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, big_lines(A.ASYNC_MIN + 10 * 1024))
  A.enable(buf)
  local st = A.states[buf]
  -- shrink the buffer to one line while the worker still holds the old text
  api.nvim_buf_set_lines(buf, 0, -1, false, { 'short' })
  H.truthy(A.wait(buf, 10000))
  H.eq(#marks(buf), 0, 'no mark from the old, longer text')
  H.truthy((st.dropped or 0) >= 1)
  api.nvim_buf_delete(buf, { force = true })
end)

H.test('max_bytes caps annotation and says so once', function()
  local c = require('chronicle').config
  local old = c.max_bytes
  c.max_bytes = 2048
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, big_lines(8 * 1024))
  notes = {}
  A.enable(buf, { sync = true })
  local st = A.states[buf]
  H.truthy(st.cap_row, 'capped')
  for _, mk in ipairs(marks(buf)) do
    H.truthy(mk[1] <= st.cap_row, 'marks only in the first max_bytes')
  end
  H.contains(notes_text(), 'annotated its first 2 KB (max_bytes)')
  A.enable(buf, { sync = true })
  local n = 0
  for _, nt in ipairs(notes) do
    if nt.msg:find('max_bytes') then
      n = n + 1
    end
  end
  H.eq(n, 1, 'said once')
  -- :Chronicle annotate! annotates it all
  vim.cmd('Chronicle! annotate')
  H.truthy(A.wait(buf, 10000))
  H.eq(st.cap_row, nil)
  c.max_bytes = old
  api.nvim_buf_delete(buf, { force = true })
end)

H.test('b:chronicle_dct sets the document date', function()
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, { '今天，越南外交部发言人表示，双方将举行对话。' })
  vim.b.chronicle_dct = '2020-01-02'
  A.enable(buf, { sync = true })
  local d = A.snapshot(buf)
  H.eq(d.dct, '2020-01-02')
  H.eq(d.timexes[1].value, '2020-01-02')
  notes = {}
  vim.b.chronicle_dct = 'last tuesday'
  A.enable(buf, { sync = true })
  A.enable(buf, { sync = true })
  H.contains(notes_text(), 'b:chronicle_dct must be a date as "YYYY-MM-DD"; got "last tuesday"')
  H.eq(#notes, 1, 'warned once')
  api.nvim_buf_delete(buf, { force = true })
end)

H.test('clear, toggle and annotate commands', function()
  local buf = open(zh)
  vim.cmd('Chronicle clear')
  H.eq(#marks(buf), 0)
  -- no longer follows edits
  api.nvim_buf_set_lines(buf, 0, 0, false, { '2001年' })
  vim.wait(100)
  H.eq(#marks(buf), 0)
  vim.cmd('Chronicle toggle')
  H.truthy(#marks(buf) > 0, 'toggled on')
  vim.cmd('Chronicle toggle')
  H.eq(#marks(buf), 0, 'toggled off')
  vim.cmd('Chronicle annotate')
  H.truthy(#marks(buf) > 0)
  vim.cmd('silent edit!')
  open(zh)
  notes = {}
  vim.cmd('Chronicle status')
  H.contains(notes_text(), 'this buffer: 31 entities')
  H.contains(notes_text(), 'knowledge base:')
  notes = {}
  vim.cmd('Chronicle frobnicate')
  H.contains(notes_text(), 'unknown subcommand "frobnicate"')
end)

H.test('highlight groups: default links, back after :colorscheme', function()
  for _, g in ipairs({ 'ChroniclePerson', 'ChronicleGPE', 'ChronicleLoc', 'ChronicleOrg', 'ChronicleDate', 'ChronicleEvent' }) do
    H.truthy(vim.fn.hlexists(g) == 1, g)
    H.truthy(vim.fn.execute('highlight ' .. g):find('links to', 1, true), g .. ' is a link')
  end
  vim.cmd('highlight clear')
  vim.cmd('doautocmd ColorScheme')
  H.truthy(vim.fn.execute('highlight ChroniclePerson'):find('links to Identifier', 1, true))
  -- a user's own definition wins over the default link
  vim.cmd('highlight ChroniclePerson guifg=#ff0000')
  require('chronicle.annotate').define_highlights()
  H.truthy(vim.fn.execute('highlight ChroniclePerson'):find('guifg=#ff0000', 1, true))
end)

H.test('default mappings only when asked', function()
  local buf = open(root .. '/samples/arms-embargo-notes.en.md')
  H.eq(vim.fn.maparg(']e', 'n', false, true).buffer, nil)
  require('chronicle').setup({ export_dir = tmp .. '/export', debounce_ms = 30, default_mappings = true })
  vim.cmd('silent edit ' .. vim.fn.fnameescape(root .. '/samples/vietnam-india-visit.vi.txt'))
  H.eq(vim.fn.maparg(']e', 'n', false, true).buffer, 1)
  H.eq(vim.fn.maparg('K', 'n', false, true).buffer, 1)
  require('chronicle').setup({ export_dir = tmp .. '/export', debounce_ms = 30 })
  H.truthy(buf)
end)

H.test(':checkhealth chronicle', function()
  vim.cmd('silent checkhealth chronicle')
  local out = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  H.contains(out, 'library loaded: ' .. root .. '/build/libchronicle.so')
  H.contains(out, 'matches lib/include/chronicle.h')
  H.contains(out, 'entities')
  H.contains(out, 'known-answer annotate')
  H.contains(out, jit.arch)
  H.contains(out, 'nvim_buf_attach')
  H.truthy(not out:find('ERROR'), 'no errors')
  vim.cmd('bwipeout!')
end)

-- a copy of the plugin, loaded from its own folder (the loader finds its
-- root from its own path), to see the messages a user would
local function plugin_copy(name)
  local dir = tmp .. '/' .. name
  vim.fn.mkdir(dir .. '/lib/include', 'p')
  vim.fn.mkdir(dir .. '/lua/chronicle', 'p')
  for _, f in ipairs(vim.fn.glob(root .. '/lua/chronicle/*.lua', false, true)) do
    vim.fn.writefile(vim.fn.readfile(f, 'b'), dir .. '/lua/chronicle/' .. vim.fn.fnamemodify(f, ':t'), 'b')
  end
  vim.fn.writefile(vim.fn.readfile(root .. '/lib/include/chronicle.h', 'b'), dir .. '/lib/include/chronicle.h', 'b')
  return dir
end

local function load_copy(dir)
  return assert(loadfile(dir .. '/lua/chronicle/ffi.lua'))()
end

H.test('missing .so: the message names the path and the fix', function()
  local dir = plugin_copy('nobuild')
  local f = load_copy(dir)
  H.eq(f.root, dir)
  local ok, err = pcall(f.lib)
  H.truthy(not ok)
  H.contains(err, 'chronicle: the library ' .. dir .. '/build/libchronicle.so is missing')
  H.contains(err, 'run `make` in ' .. dir)
  H.contains(err, ':checkhealth chronicle')
  local s = f.status()
  H.eq(s.loaded, false)
  H.eq(s.lib_exists, false)
end)

H.test('missing .so through the command: one clear error, no Lua traceback', function()
  local dir = plugin_copy('nobuild2')
  -- point the module loader at the copy for this test only
  local saved = {}
  for k, v in pairs(package.loaded) do
    if k:match('^chronicle') then
      saved[k] = v
      package.loaded[k] = nil
    end
  end
  local old_rtp = vim.o.runtimepath
  vim.opt.runtimepath:prepend(dir)
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, { '1995年7月11日' })
  notes = {}
  local ok = pcall(function()
    require('chronicle').setup({})
    H.eq(debug.getinfo(require('chronicle').setup, 'S').source, '@' .. dir .. '/lua/chronicle/init.lua')
    vim.cmd('Chronicle annotate')
  end)
  vim.o.runtimepath = old_rtp
  for k in pairs(package.loaded) do
    if k:match('^chronicle') then
      package.loaded[k] = nil
    end
  end
  for k, v in pairs(saved) do
    package.loaded[k] = v
  end
  require('chronicle').setup({ export_dir = tmp .. '/export', debounce_ms = 30 })
  H.truthy(ok, 'the command itself did not raise')
  local text = notes_text()
  H.contains(text, dir .. '/build/libchronicle.so is missing')
  H.truthy(not text:find('stack traceback', 1, true), 'no traceback')
  api.nvim_buf_delete(buf, { force = true })
end)

H.test('stale .so (ABI mismatch) and a non-library file', function()
  local dir = plugin_copy('stale')
  vim.fn.mkdir(dir .. '/build', 'p')
  vim.fn.writefile(vim.fn.readfile(root .. '/build/libchronicle.so', 'b'), dir .. '/build/libchronicle.so', 'b')
  local h = read(dir .. '/lib/include/chronicle.h'):gsub('CHR_ABI_VERSION = %d+', 'CHR_ABI_VERSION = 999')
  local fh = io.open(dir .. '/lib/include/chronicle.h', 'wb')
  fh:write(h)
  fh:close()
  local ok, err = pcall(load_copy(dir).lib)
  H.truthy(not ok)
  H.contains(err, dir .. '/build/libchronicle.so is stale')
  H.contains(err, 'declares ABI 999')
  H.contains(err, 'run `make` in ' .. dir)
  local bad = plugin_copy('garbage')
  vim.fn.mkdir(bad .. '/build', 'p')
  vim.fn.writefile({ 'not a library' }, bad .. '/build/libchronicle.so')
  ok, err = pcall(load_copy(bad).lib)
  H.truthy(not ok)
  H.contains(err, 'cannot load ' .. bad .. '/build/libchronicle.so')
  H.contains(err, 'run `make` in ' .. bad)
end)

H.test('bad input: invalid UTF-8 and NUL bytes annotate the rest, said once', function()
  local buf = api.nvim_create_buf(true, false)
  api.nvim_set_current_buf(buf)
  api.nvim_buf_set_lines(buf, 0, -1, false, { 'abc\255\254 1995年7月11日', 'x\0y 2001年' })
  notes = {}
  A.enable(buf, { sync = true })
  H.truthy(#marks(buf) >= 2)
  H.contains(notes_text(), 'invalid UTF-8')
  api.nvim_buf_delete(buf, { force = true })
end)

H.test('doc/chronicle.txt: a tag for every command, option, mapping and group; helptags clean', function()
  local doc = read(root .. '/doc/chronicle.txt')
  local want = { '*:Chronicle*', '*chronicle-options*', '*b:chronicle_dct*', '*chronicle-default-mappings*' }
  for _, s in ipairs(require('chronicle').subcommands) do
    want[#want + 1] = '*:Chronicle-' .. s .. '*'
  end
  for _, o in ipairs(require('chronicle.config').names) do
    want[#want + 1] = '*chronicle-' .. o .. '*'
  end
  for _, p in ipairs({ 'hover', 'next-event', 'prev-event', 'related' }) do
    want[#want + 1] = '*<Plug>(chronicle-' .. p .. ')*'
  end
  for g in pairs(A.LINKS) do
    want[#want + 1] = '*' .. g .. '*'
  end
  for _, t in ipairs(want) do
    H.contains(doc, t)
  end
  local d = tmp .. '/doc'
  vim.fn.mkdir(d, 'p')
  vim.fn.writefile(vim.fn.readfile(root .. '/doc/chronicle.txt'), d .. '/chronicle.txt')
  vim.cmd('helptags ' .. vim.fn.fnameescape(d))
  H.truthy(vim.fn.filereadable(d .. '/tags') == 1, 'helptags wrote tags')
end)

vim.fn.delete(tmp, 'rf')
local ok = H.done()
vim.cmd(ok and 'qa!' or 'cquit!')
