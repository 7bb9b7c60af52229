-- chronicle.annotate: buffer annotation — extmarks, keeping them current
-- while the user types, and live snapshots of what a buffer holds.
--
-- Design (the reasons matter more than the code):
-- * One namespace. Each mention is one extmark, so Neovim moves it with
--   every edit; `st.marks[id]` maps the mark back to the mention. Positions
--   are always read back from the marks (snapshot), never from stale offsets.
-- * Edits are seen through nvim_buf_attach{on_lines}, which only records the
--   changed rows and restarts one debounce timer per buffer: nothing heavy
--   ever runs on a keystroke.
-- * When the timer fires: a small buffer is re-annotated whole (exact context
--   for "同年", the DCT); a large one only in the changed paragraphs, with the
--   document's DCT passed explicitly so relative dates resolve the same.
-- * A whole large buffer (first open, :e!, reload) is annotated on a libuv
--   worker thread; the result is applied only if the buffer's changedtick is
--   still the one it was computed for — a stale result is dropped and the
--   work redone after the next pause.
-- * Drawing a big result places the marks in the windows' view first and the
--   rest in small batches on later loop turns, so typing never waits.

local api = vim.api
local uv = vim.uv or vim.loop
local core = require('chronicle.core')

local M = {}

M.ns = api.nvim_create_namespace('chronicle')

-- buffers up to this size are re-annotated whole after an edit
M.INCREMENTAL_MIN = 64 * 1024
-- whole-buffer passes above this size run on a worker thread
M.ASYNC_MIN = 256 * 1024
-- results with more marks than this are drawn view-first, the rest in
-- batches of this size on later loop turns
M.BATCH = 1500

M.GROUPS = {
  PERSON = 'ChroniclePerson',
  GPE = 'ChronicleGPE',
  LOC = 'ChronicleLoc',
  ORG = 'ChronicleOrg',
  DATE = 'ChronicleDate',
  EVENT = 'ChronicleEvent',
}

-- default links: standard groups every colour scheme defines
M.LINKS = {
  ChroniclePerson = 'Identifier',
  ChronicleGPE = 'Type',
  ChronicleLoc = 'Constant',
  ChronicleOrg = 'PreProc',
  ChronicleDate = 'Special',
  ChronicleEvent = 'Statement',
  ChronicleDateValue = 'Comment',
  ChronicleEventSign = 'ChronicleEvent',
  ChronicleHoverTitle = 'Title',
  ChronicleHoverLabel = 'Label',
  ChronicleHoverMuted = 'Comment',
}

--- Defines the highlight groups as `default` links, so a colour scheme or
--- the user's own :highlight wins; re-run on ColorScheme (`:hi clear`
--- drops links).
function M.define_highlights()
  for name, target in pairs(M.LINKS) do
    vim.cmd(('highlight default link %s %s'):format(name, target))
  end
end

local states = {}
M.states = states

local function cfg()
  return require('chronicle').config
end

local function notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO)
end

-- Says `msg` once per buffer and key: never a warning per keystroke.
local function once(st, key, msg, level)
  if st.said[key] then
    return
  end
  st.said[key] = true
  notify(msg, level or vim.log.levels.WARN)
end

local function hrtime_ms(t0)
  return (uv.hrtime() - t0) / 1e6
end

function M.get(buf)
  if buf == nil or buf == 0 then
    buf = api.nvim_get_current_buf()
  end
  return states[buf], buf
end

local function new_state(buf)
  local st = {
    buf = buf,
    enabled = false,
    attached = false,
    detach = false,
    marks = {},
    said = {},
    version = 0,
    tick = -1,
    busy = false, -- a worker thread is annotating this buffer
  }
  states[buf] = st
  return st
end

local function stop_timer(st)
  if st.timer then
    st.timer:stop()
    if not st.timer:is_closing() then
      st.timer:close()
    end
    st.timer = nil
  end
end

local function buf_bytes(buf)
  -- byte offset of the line after the last: the buffer's size, O(1)
  local n = api.nvim_buf_line_count(buf)
  local ok, off = pcall(api.nvim_buf_get_offset, buf, n)
  if ok then
    return off
  end
  local total = 0
  for _, l in ipairs(api.nvim_buf_get_lines(buf, 0, -1, false)) do
    total = total + #l + 1
  end
  return total
end

local function dct_of(buf, st)
  local ok, v = pcall(api.nvim_buf_get_var, buf, 'chronicle_dct')
  if not ok then
    return nil
  end
  local dct, err = require('chronicle.config').check_dct(v)
  if err then
    once(st, 'dct:' .. tostring(v), 'chronicle: ' .. err .. ' — ignoring it.')
  end
  return dct
end

local function lang_of(buf)
  local ok, v = pcall(api.nvim_buf_get_var, buf, 'chronicle_lang')
  if ok and (v == 'zh' or v == 'vi' or v == 'en') then
    return v
  end
  return nil
end

local function human_bytes(n)
  if n >= 1024 * 1024 then
    return ('%.1f MB'):format(n / 1048576)
  end
  return ('%d KB'):format(math.floor(n / 1024 + 0.5))
end

-- The text handed to the library: the whole buffer, or its first max_bytes
-- (cut at a character boundary) with the row where the cut falls.
local function buffer_text(buf, st, force)
  local lines = api.nvim_buf_get_lines(buf, 0, -1, false)
  local limit = cfg().max_bytes
  local total = 0
  for i = 1, #lines do
    total = total + #lines[i] + 1
  end
  st.bytes = total
  st.cap_row = nil
  if force or total <= limit then
    return lines, table.concat(lines, '\n')
  end
  local kept, used = {}, 0
  for i = 1, #lines do
    local l = lines[i]
    if used + #l + 1 > limit then
      local cut = limit - used
      -- back off to the start of a UTF-8 sequence
      while cut > 0 and cut <= #l and l:byte(cut + 1) and l:byte(cut + 1) >= 0x80 and l:byte(cut + 1) < 0xC0 do
        cut = cut - 1
      end
      if cut > 0 then
        kept[#kept + 1] = l:sub(1, cut)
      end
      st.cap_row = i - 1
      break
    end
    kept[#kept + 1] = l
    used = used + #l + 1
  end
  once(
    st,
    'cap',
    ('chronicle: %s is %s; annotated its first %s (max_bytes). `:Chronicle annotate!` annotates all of it.'):format(
      vim.fn.fnamemodify(api.nvim_buf_get_name(buf), ':t'),
      human_bytes(total),
      human_bytes(limit)
    )
  )
  return kept, table.concat(kept, '\n')
end

------------------------------------------------------------------------------
-- drawing

local function sign_text()
  local s = cfg().signs
  if s == true then
    return '»'
  end
  return s or nil
end

local inline_ok
-- Inline virtual text exists in newer Neovim only: probe once, don't guess
-- from the version.
local function inline_supported(buf)
  if inline_ok == nil then
    local ok, id = pcall(api.nvim_buf_set_extmark, buf, M.ns, 0, 0, { virt_text = { { '' } }, virt_text_pos = 'inline' })
    inline_ok = ok
    if ok then
      api.nvim_buf_del_extmark(buf, M.ns, id)
    end
  end
  return inline_ok
end

local function mark_opts(m, c, sign)
  local o = { end_row = m.end_row, end_col = m.end_col }
  local kind = m.kind
  if c.highlights then
    if kind == 'entity' then
      o.hl_group = M.GROUPS[m.type] or 'ChronicleGPE'
    elseif kind == 'timex' then
      o.hl_group = 'ChronicleDate'
    else
      o.hl_group = 'ChronicleEvent'
    end
  end
  if kind == 'event' and sign then
    o.sign_text = sign
    o.sign_hl_group = 'ChronicleEventSign'
  end
  if kind == 'timex' and c.virtual_text and m.virt then
    o.virt_text = { { ' ' .. m.virt, 'ChronicleDateValue' } }
    o.virt_text_pos = 'eol'
  end
  return o
end

local function place(st, m, c, sign, inline)
  local buf = st.buf
  local o = mark_opts(m, c, sign)
  local ok, id = pcall(api.nvim_buf_set_extmark, buf, M.ns, m.row, m.col, o)
  if not ok then
    -- clamp (the text may be shorter than when annotated); skip if still bad
    local n = api.nvim_buf_line_count(buf)
    if m.row >= n then
      return
    end
    local line = api.nvim_buf_get_lines(buf, m.row, m.row + 1, false)[1] or ''
    local col = math.min(m.col, #line)
    local er = math.min(m.end_row, n - 1)
    local el = api.nvim_buf_get_lines(buf, er, er + 1, false)[1] or ''
    o.end_row, o.end_col = er, math.min(m.end_col, #el)
    ok, id = pcall(api.nvim_buf_set_extmark, buf, M.ns, m.row, col, o)
    if not ok then
      return
    end
  end
  m.mark = id
  st.marks[id] = m
  if inline and m.kind == 'timex' and m.virt then
    local ok2, vid = pcall(api.nvim_buf_set_extmark, buf, M.ns, m.end_row, m.end_col, {
      virt_text = { { ' ' .. m.virt .. ' ', 'ChronicleDateValue' } },
      virt_text_pos = 'inline',
    })
    if ok2 then
      st.marks[vid] = { kind = 'virt' }
    end
  end
end

-- Gives every mention its kind, its virtual text and its event anchor, and
-- returns all of them in one list (unsorted: marks need no order, and
-- snapshots read them back in buffer order).
local function prepare(doc, text, base, hook)
  local all = {}
  base = base or 0
  for _, e in ipairs(doc.entities) do
    e.kind = 'entity'
    all[#all + 1] = e
  end
  for i, t in ipairs(doc.timexes) do
    if hook and i % 256 == 0 then
      hook()
    end
    t.kind = 'timex'
    -- draw the normalised value only where it says more than the text
    local short = core.date_short(t)
    if short and short ~= t.text then
      t.virt = short
    end
    all[#all + 1] = t
  end
  for _, ev in ipairs(doc.events) do
    ev.kind = 'event'
    ev.anchor = ev.timex and doc.timexes[ev.timex] or nil
    if text and ev.sentence and ev.sentence[2] and ev.sentence[2] > ev.sentence[1] then
      ev.sentence_text = text:sub(ev.sentence[1] + 1, ev.sentence[2])
    end
    all[#all + 1] = ev
  end
  for _, m in ipairs(all) do
    m.start = m.start + base
    m.stop = m.stop + base
    if m.sentence then
      m.sentence = { m.sentence[1] + base, m.sentence[2] + base }
    end
  end
  return all
end

-- Rows shown in windows of `buf`, widened by a screen, to draw first.
local function view_rows(buf)
  local lo, hi
  for _, w in ipairs(vim.fn.getwininfo()) do
    if w.bufnr == buf then
      local span = w.botline - w.topline + 1
      local a, b = w.topline - 1 - span, w.botline + span
      lo = lo and math.min(lo, a) or a
      hi = hi and math.max(hi, b) or b
    end
  end
  return lo or 0, hi or 200
end

local function draw_list(st, list, first, last)
  local c = cfg()
  local sign = sign_text()
  local inline = c.virtual_text == 'inline' and inline_supported(st.buf)
  for i = first, last do
    place(st, list[i], c, sign, inline)
  end
end

local function draw_pending(st, all_now)
  local p = st.pending
  if not p then
    return
  end
  if all_now then
    draw_list(st, p.list, p.next, #p.list)
    st.pending = nil
    return
  end
  local last = math.min(#p.list, p.next + M.BATCH - 1)
  draw_list(st, p.list, p.next, last)
  p.next = last + 1
  if p.next > #p.list then
    st.pending = nil
    st.drawn_ms = hrtime_ms(p.t0)
  end
end

local function schedule_batches(st)
  local function step()
    local cur = states[st.buf]
    if cur ~= st or not st.pending or not api.nvim_buf_is_valid(st.buf) then
      return
    end
    draw_pending(st, false)
    if st.pending then
      vim.schedule(step)
    end
  end
  vim.schedule(step)
end

--- Draws the remaining batches now (before anything reads the marks).
function M.flush(buf)
  local st = states[buf]
  if st and st.co then
    M._drive(st, true)
  end
  if st and st.pending then
    draw_pending(st, true)
  end
end

-- Replaces every mark of the buffer with `doc`'s mentions. `hook`
-- (optional) may yield during the work that changes nothing on screen.
local function apply_full(st, doc, lines, text, t0, hook)
  local buf = st.buf
  core.add_positions(doc, core.line_starts(lines), 0, hook)
  local all = prepare(doc, text, 0, hook)
  -- from here on, one go: old marks out, the view's marks in
  api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  st.marks = {}
  st.pending = nil
  st.doc = {
    lang = doc.lang,
    dct = doc.dct,
    dct_source = doc.dct_source,
    invalid = #doc.invalid,
  }
  st.counts = { entities = #doc.entities, timexes = #doc.timexes, events = #doc.events }
  if #all <= M.BATCH then
    draw_list(st, all, 1, #all)
  else
    -- marks in view first, the rest on later loop turns
    local lo, hi = view_rows(buf)
    local rest = {}
    local inview = {}
    for _, m in ipairs(all) do
      if m.row >= lo and m.row <= hi then
        inview[#inview + 1] = m
      else
        rest[#rest + 1] = m
      end
    end
    draw_list(st, inview, 1, #inview)
    st.pending = { list = rest, next = 1, t0 = t0 }
    schedule_batches(st)
  end
  st.version = st.version + 1
  st.ms = hrtime_ms(t0)
  if #doc.invalid > 0 then
    once(
      st,
      'invalid',
      ('chronicle: %s has %d stretch(es) of invalid UTF-8 or NUL bytes; annotated the rest.'):format(
        vim.fn.fnamemodify(api.nvim_buf_get_name(buf), ':t'),
        #doc.invalid
      )
    )
  end
end

------------------------------------------------------------------------------
-- annotating

local function report_error(st, err)
  -- a missing library is said once per session, not per buffer or edit
  local msg = tostring(err)
  local key = msg:find('libchronicle', 1, true) and 'lib' or msg
  M.errors = M.errors or {}
  if not M.errors[key] then
    M.errors[key] = true
    notify(msg, vim.log.levels.ERROR)
  end
  if st then
    st.error = msg
  end
end

local function attach(st)
  if st.attached then
    st.detach = false
    return
  end
  local buf = st.buf
  local ok = api.nvim_buf_attach(buf, false, {
    on_lines = function(_, b, _, first, last_old, last_new)
      local s = states[b]
      if not s or s ~= st or s.detach then
        st.attached = false
        return true -- detach
      end
      -- record the changed rows in current numbering; nothing else here
      local d = s.dirty
      if not d then
        s.dirty = { first, last_new }
      else
        local hi = d[2]
        if hi > last_old then
          hi = hi + (last_new - last_old)
        end
        s.dirty = { math.min(d[1], first), math.max(hi, last_new) }
      end
      if s.pending then
        -- marks not yet drawn would land on the wrong rows: drop them and
        -- redo the whole buffer after the pause
        s.pending = nil
        s.full = true
      end
      M.schedule(s)
    end,
    on_reload = function(_, b)
      local s = states[b]
      if s then
        s.full = true
        M.schedule(s)
      end
    end,
    on_detach = function(_, b)
      local s = states[b]
      if s == st then
        st.attached = false
      end
    end,
  })
  st.attached = ok
end

--- Restarts the buffer's debounce timer (called on every change).
function M.schedule(st)
  if not st.enabled then
    return
  end
  if not st.timer then
    st.timer = uv.new_timer()
  end
  st.timer:stop()
  st.timer:start(
    cfg().debounce_ms,
    0,
    vim.schedule_wrap(function()
      if states[st.buf] == st and st.enabled and api.nvim_buf_is_valid(st.buf) then
        M.update(st.buf)
      end
    end)
  )
end

-- A stale result: forget it and redo the whole buffer after the pause.
function M._drop(st)
  st.busy = false
  st.co = nil
  st.dropped = (st.dropped or 0) + 1
  st.redo = false
  st.full = true
  M.schedule(st)
end

-- Runs st.co (a result being converted and drawn) for ~8 ms per loop turn;
-- `all` runs it to the end now (someone needs the marks).
function M._drive(st, all)
  local co = st.co
  if not co then
    return
  end
  local buf = st.buf
  if states[buf] ~= st or not st.enabled or not api.nvim_buf_is_valid(buf) then
    st.co, st.busy = nil, false
    return
  end
  if api.nvim_buf_get_changedtick(buf) ~= st.co_tick or st.redo then
    return M._drop(st)
  end
  local started = uv.hrtime()
  local function hook()
    if not all and uv.hrtime() - started > 8e6 then
      coroutine.yield()
      started = uv.hrtime()
    end
  end
  local ok, err = coroutine.resume(co, hook)
  if not ok then
    st.co, st.busy = nil, false
    report_error(st, err)
    return
  end
  if coroutine.status(co) == 'dead' then
    st.co, st.busy = nil, false
    if st.dirty then
      M.schedule(st)
    end
    return
  end
  if all then
    return M._drive(st, true)
  end
  vim.schedule(function()
    if st.co == co then
      M._drive(st)
    end
  end)
end

-- Whole-buffer annotation. `how.sync` forces this thread; `how.force`
-- ignores max_bytes.
local function annotate_full(buf, st, how)
  how = how or {}
  local t0 = uv.hrtime()
  local tick = api.nvim_buf_get_changedtick(buf)
  local lines, text = buffer_text(buf, st, how.force or st.force)
  local o = { dct = dct_of(buf, st), lang = lang_of(buf) }
  st.dirty = nil
  st.full = false
  local ffi = require('chronicle.ffi')
  if not how.sync and #text >= M.ASYNC_MIN and ffi.async_supported() then
    if st.busy then
      -- one worker per buffer: the running one will see a new tick and redo
      st.redo = true
      return true
    end
    st.busy = true
    st.async_tick = tick
    local ok, err = pcall(ffi.annotate_async, text, o, function(handle, aerr)
      vim.schedule(function()
        if states[buf] ~= st or not st.enabled or not api.nvim_buf_is_valid(buf) then
          st.busy = false
          if handle then
            handle.free()
          end
          return
        end
        if not handle then
          st.busy = false
          report_error(st, aerr)
          return
        end
        if api.nvim_buf_get_changedtick(buf) ~= tick or st.redo then
          -- stale: the text changed while the worker ran; drop it
          handle.free()
          return M._drop(st)
        end
        -- convert, place and draw in slices of ~8 ms so the editor keeps
        -- answering; any edit in between makes the result stale
        st.co = coroutine.create(function(hook)
          local okc, doc = pcall(handle.convert, hook)
          handle.free()
          if not okc then
            error(doc, 0)
          end
          apply_full(st, doc, lines, text, t0, hook)
          st.tick = tick
          st.error = nil
        end)
        st.co_tick = tick
        M._drive(st)
      end)
    end)
    if not ok then
      st.busy = false
      report_error(st, err)
      return false
    end
    return true
  end
  local ok, doc = pcall(ffi.annotate, text, o)
  if not ok then
    report_error(st, doc)
    return false
  end
  apply_full(st, doc, lines, text, t0)
  st.tick = tick
  st.error = nil
  return true
end

-- Re-annotates the paragraphs around the changed rows only.
local function annotate_region(buf, st)
  local t0 = uv.hrtime()
  local d = st.dirty
  local n = api.nvim_buf_line_count(buf)
  local lo, hi = math.max(0, math.min(d[1], n)), math.min(n, d[2])
  if st.cap_row and lo >= st.cap_row then
    st.dirty = nil
    return true -- beyond what max_bytes lets us annotate
  end
  -- widen to blank lines (paragraph bounds), at most 200 rows each way
  local wlo, whi = math.max(0, lo - 200), math.min(n, hi + 200)
  local win = api.nvim_buf_get_lines(buf, wlo, whi, false)
  local function blank(row)
    local l = win[row - wlo + 1]
    return l == nil or not l:find('%S')
  end
  local a = lo
  while a > wlo and not blank(a - 1) do
    a = a - 1
  end
  local b = math.max(hi, a + 1)
  while b < whi and not blank(b) do
    b = b + 1
  end
  b = math.min(b, n)
  local lines = api.nvim_buf_get_lines(buf, a, b, false)
  local text = table.concat(lines, '\n')
  if #text > M.INCREMENTAL_MIN * 4 then
    return annotate_full(buf, st) -- a huge paste: redo the whole
  end
  local tick = api.nvim_buf_get_changedtick(buf)
  local ok, doc = pcall(require('chronicle.ffi').annotate, text, {
    dct = st.doc and st.doc.dct or dct_of(buf, st),
    lang = st.doc and st.doc.lang ~= 'und' and st.doc.lang or nil,
  })
  if not ok then
    report_error(st, doc)
    return false
  end
  -- drop the marks of the region's rows and draw the new ones
  if b > a then
    for _, mk in ipairs(api.nvim_buf_get_extmarks(buf, M.ns, { a, 0 }, { b - 1, -1 }, {})) do
      st.marks[mk[1]] = nil
      api.nvim_buf_del_extmark(buf, M.ns, mk[1])
    end
  end
  core.add_positions(doc, core.line_starts(lines), a)
  local base = api.nvim_buf_get_offset(buf, a)
  local all = prepare(doc, text, base)
  draw_list(st, all, 1, #all)
  st.dirty = nil
  st.tick = tick
  st.version = st.version + 1
  st.ms = hrtime_ms(t0)
  st.region = { a, b }
  -- counts are re-read from the marks when asked (status)
  st.counts = nil
  return true
end

--- After edits: whole or region, as the buffer's size decides.
function M.update(buf)
  local st = states[buf]
  if not st or not st.enabled then
    return
  end
  if st.busy then
    st.redo = true
    return
  end
  if st.full or not st.doc or not st.dirty then
    return annotate_full(buf, st)
  end
  if buf_bytes(buf) < M.INCREMENTAL_MIN then
    return annotate_full(buf, st)
  end
  return annotate_region(buf, st)
end

--- Annotates `buf` now and keeps it annotated after edits. `how.force`
--- ignores max_bytes; `how.sync` keeps big buffers on this thread.
--- Annotated and current (enabled synchronously when it was not): what the
--- related list and the timeline need before reading a buffer's events.
function M.ready(buf)
  local st = states[buf]
  if not st or not st.enabled then
    return M.enable(buf, { sync = true })
  end
  if st.dirty and not st.busy then
    M.update(buf)
  end
  return true
end

function M.enable(buf, how)
  if buf == nil or buf == 0 then
    buf = api.nvim_get_current_buf()
  end
  local st = states[buf] or new_state(buf)
  st.enabled = true
  -- index_folders are indexed lazily: at the first annotate, after it
  if not M.index_kicked then
    local folders = cfg().index_folders
    if folders and #folders > 0 then
      M.index_kicked = true
      vim.schedule(function()
        require('chronicle.index').autostart()
      end)
    end
  end
  if how and how.force then
    st.force = true
  end
  attach(st)
  return annotate_full(buf, st, how)
end

--- Removes the marks and stops following edits (until enable).
function M.disable(buf)
  if buf == nil or buf == 0 then
    buf = api.nvim_get_current_buf()
  end
  local st = states[buf]
  if api.nvim_buf_is_valid(buf) then
    api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  end
  if not st then
    return
  end
  st.enabled = false
  st.detach = true
  st.pending = nil
  st.marks = {}
  st.doc = nil
  st.version = st.version + 1
  stop_timer(st)
end

--- Forgets a buffer (BufUnload/BufWipeout). The engine keeps the memory of
--- its last annotations for the next ones; a buffer going away gives it
--- back, so closing a huge article does not leave its working set behind.
function M.forget(buf)
  local st = states[buf]
  if st then
    st.detach = true
    st.enabled = false
    stop_timer(st)
    states[buf] = nil
    require('chronicle.ffi').trim()
  end
end

--- Waits (processing events) until `buf` is annotated for its current text.
function M.wait(buf, timeout)
  local st = states[buf]
  if not st then
    return false
  end
  return vim.wait(timeout or 5000, function()
    return not st.busy
      and not st.pending
      and st.tick == api.nvim_buf_get_changedtick(buf)
      and not (st.timer and st.dirty)
  end, 5)
end

------------------------------------------------------------------------------
-- reading back

local function doc_name(buf)
  local name = api.nvim_buf_get_name(buf)
  if name == '' then
    return '[No Name ' .. buf .. ']', nil
  end
  return vim.fn.fnamemodify(name, ':t'), name
end

--- A live doc of `buf` (chronicle.core's shape) whose mentions carry their
--- current row/col read back from the extmarks, or nil if not annotated.
function M.snapshot(buf)
  local st = states[buf]
  if not st or not st.doc or not api.nvim_buf_is_valid(buf) then
    return nil
  end
  M.flush(buf)
  local tick = api.nvim_buf_get_changedtick(buf)
  if st.snap and st.snap_tick == tick and st.snap_version == st.version then
    return st.snap
  end
  local name, path = doc_name(buf)
  local doc = {
    name = name,
    path = path,
    bufnr = buf,
    lang = st.doc.lang,
    dct = st.doc.dct,
    dct_source = st.doc.dct_source,
    entities = {},
    timexes = {},
    events = {},
  }
  local lists = { entity = doc.entities, timex = doc.timexes, event = doc.events }
  for _, mk in ipairs(api.nvim_buf_get_extmarks(buf, M.ns, 0, -1, { details = true })) do
    local m = st.marks[mk[1]]
    local list = m and lists[m.kind]
    if list then
      local det = mk[4] or {}
      m.row, m.col = mk[2], mk[3]
      m.end_row, m.end_col = det.end_row or mk[2], det.end_col or mk[3]
      -- a mention whose text was deleted collapses to nothing: skip it
      if not (m.row == m.end_row and m.col == m.end_col) then
        list[#list + 1] = m
      end
    end
  end
  local index = {}
  for i, t in ipairs(doc.timexes) do
    index[t] = i
  end
  for _, ev in ipairs(doc.events) do
    ev.timex = ev.anchor and index[ev.anchor] or nil
  end
  st.snap, st.snap_tick, st.snap_version = doc, tick, st.version
  return doc
end

--- Snapshots of every loaded, annotated buffer (current buffer first).
function M.snapshots(first)
  local out = {}
  local cur = first and M.snapshot(first)
  if cur then
    out[1] = cur
  end
  local bufs = {}
  for b in pairs(states) do
    bufs[#bufs + 1] = b
  end
  table.sort(bufs)
  for _, b in ipairs(bufs) do
    if b ~= first and api.nvim_buf_is_loaded(b) then
      local d = M.snapshot(b)
      if d then
        out[#out + 1] = d
      end
    end
  end
  return out
end

--- The mention under (row, col) of `buf`: an event beats an entity beats a
--- date when they overlap; the narrowest wins among equals.
function M.at(buf, row, col)
  local st = states[buf]
  if not st then
    return nil
  end
  M.flush(buf)
  local best, best_rank, best_len
  local rank = { event = 3, entity = 2, timex = 1 }
  -- marks starting a few rows up may span onto this row
  local from = math.max(0, row - 3)
  for _, mk in ipairs(api.nvim_buf_get_extmarks(buf, M.ns, { from, 0 }, { row, -1 }, { details = true })) do
    local m = st.marks[mk[1]]
    if m and rank[m.kind] then
      local det = mk[4] or {}
      local sr, sc = mk[2], mk[3]
      local er, ec = det.end_row or sr, det.end_col or sc
      local after_start = row > sr or (row == sr and col >= sc)
      local before_end = row < er or (row == er and col < ec)
      if after_start and before_end then
        m.row, m.col, m.end_row, m.end_col = sr, sc, er, ec
        local len = (er - sr) * 10000 + (ec - sc)
        local r = rank[m.kind]
        if not best or r > best_rank or (r == best_rank and len < best_len) then
          best, best_rank, best_len = m, r, len
        end
      end
    end
  end
  return best
end

--- Counts of the buffer's marks by kind.
function M.counts(buf)
  local st = states[buf]
  if not st then
    return nil
  end
  if st.counts and not st.pending then
    return st.counts
  end
  local d = M.snapshot(buf)
  if not d then
    return nil
  end
  return { entities = #d.entities, timexes = #d.timexes, events = #d.events }
end

return M
