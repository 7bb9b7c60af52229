-- chronicle.related: related events into the quickfix list (and
-- vim.ui.select when configured), and ]e / [e motions between events.

local api = vim.api
local core = require('chronicle.core')
local A = require('chronicle.annotate')

local M = {}

local function kb(id)
  return require('chronicle.ffi').try_entity(id)
end


--- Quickfix items for {doc=, ev=} items: exact byte positions (vcol = 0), so
--- <CR> in the quickfix window lands on the trigger itself. Items of the
--- folder index name their file (and have their column once
--- chronicle.index.locate has read it).
function M.qf_items(items, name_of)
  local out = {}
  for _, it in ipairs(items) do
    local ev = it.ev
    local why = core.related_reason(it, name_of)
    local row, col = ev.row or 0, ev.col
    out[#out + 1] = {
      bufnr = it.doc.bufnr,
      filename = it.doc.bufnr == nil and it.doc.path or nil,
      lnum = row + 1,
      col = col and (col + 1) or 0,
      end_lnum = col and ((ev.end_row or row) + 1) or nil,
      end_col = col and ((ev.end_col or col) + 1) or nil,
      vcol = 0,
      text = core.event_summary(ev, name_of) .. (why ~= '' and ('  (' .. why .. ')') or ''),
      valid = 1,
    }
  end
  return out
end

-- What the related list is about: the event under the cursor, else the
-- entity (its events) or the date (events on it), else the first event on
-- the cursor's line.
local function subject(buf)
  local pos = api.nvim_win_get_cursor(0)
  local row, col = pos[1] - 1, pos[2]
  local m = A.at(buf, row, col)
  if m then
    return m
  end
  local here = A.snapshot(buf)
  for _, ev in ipairs(here and here.events or {}) do
    if ev.row == row then
      return ev
    end
  end
  return nil
end

--- Fills the quickfix list with what relates to the cursor's subject and
--- returns the items (also offered through vim.ui.select when configured).
function M.related()
  local buf = api.nvim_get_current_buf()
  if not A.ready(buf) then
    return nil
  end
  local m = subject(buf)
  if not m then
    vim.notify('chronicle: no event, entity or date under the cursor', vim.log.levels.INFO)
    return nil
  end
  local docs = A.snapshots(buf)
  local here = docs[1]
  -- the folder index, when one is open: asked on a worker thread; its
  -- answer is merged in (files open in annotated buffers left to the
  -- buffers), now if it comes within a moment, else into the list later
  local I = package.loaded['chronicle.index']
  I = I and I.any() and I or nil
  local req
  if I then
    req = require('chronicle.hover').index_request(buf, m)
    I.await(req)
  end
  local skip = I and I.open_paths(docs) or nil
  local own, title
  if m.kind == 'event' then
    own = core.related(docs, here, m)
    title = ('chronicle: related to %s %s (%s)'):format(m.label or 'event', m.date or 'undated', m.trigger or '')
  elseif m.kind == 'entity' then
    own = core.events_of_entity(docs, m.id)
    title = 'chronicle: events of %s'
  else
    own = core.events_on_date(docs, m)
    title = ('chronicle: events on %s'):format(core.date_short(m) or m.value or m.text)
  end
  local function gather()
    local res = req and req.done and req.result or nil
    local list = {}
    for i, it in ipairs(own) do
      list[i] = it
    end
    if res then
      list = core.merge_items(list, res.items, skip)
    end
    return list, core.name_index(docs, kb, res and res.names)
  end
  local items, name_of = gather()
  if m.kind == 'entity' then
    title = title:format((name_of(m.id)))
  end
  if req and not req.done then
    -- the list as it is now; the index's answer replaces it when it comes
    I.on_done(req, function()
      local all, names = gather()
      local info = vim.fn.getqflist({ id = M.qf_id or 0, title = 1 })
      if info.id == M.qf_id and info.title == title and #all > #items then
        vim.fn.setqflist({}, 'r', { id = M.qf_id, title = title, items = M.qf_items(all, names) })
        vim.notify(('chronicle: the folder index added %d events to the quickfix list'):format(#all - #items))
      end
    end)
  end
  if #items == 0 and not (req and not req.done) then
    vim.notify(
      ('chronicle: nothing related found in the %d annotated buffer%s%s'):format(
        #docs,
        #docs == 1 and '' or 's',
        I and ' or the folder index' or ''
      ),
      vim.log.levels.INFO
    )
    return items
  end
  local qf = M.qf_items(items, name_of)
  vim.fn.setqflist({}, ' ', { title = title, items = qf })
  M.qf_id = vim.fn.getqflist({ id = 0 }).id
  local picker = require('chronicle').config.related_picker
  if picker == 'select' then
    vim.ui.select(items, {
      prompt = title,
      format_item = function(it)
        return core.event_summary(it.ev, name_of) .. '  · ' .. core.where(it.doc, it.ev)
      end,
    }, function(choice)
      if choice and choice.doc.bufnr then
        M.goto_mention(choice.doc.bufnr, choice.ev)
      elseif choice and choice.doc.path then
        M.goto_file(choice.doc.path, choice.ev.row, choice.ev.col)
      end
    end)
  else
    vim.cmd('botright copen')
  end
  return items
end

--- Puts the cursor on the first byte of mention `m` of buffer `buf`, in a
--- window already showing it, else in the current window.
function M.goto_mention(buf, m)
  if not buf or not api.nvim_buf_is_valid(buf) then
    return
  end
  if api.nvim_get_current_buf() ~= buf then
    local win = vim.fn.bufwinid(buf)
    if win ~= -1 then
      api.nvim_set_current_win(win)
    else
      vim.cmd('buffer ' .. buf)
    end
  end
  vim.cmd("normal! m'")
  local row, col = m.row, m.col
  -- the mark has followed any edit since the list was made
  if m.mark then
    local ok, p = pcall(api.nvim_buf_get_extmark_by_id, buf, A.ns, m.mark, {})
    if ok and p and p[1] then
      row, col = p[1], p[2]
    end
  end
  local n = api.nvim_buf_line_count(buf)
  api.nvim_win_set_cursor(0, { math.min(row + 1, n), col })
end

--- Opens `path` (in a window already showing it, else the current one) and
--- puts the cursor on row/col (0-based; clamped to the text).
function M.goto_file(path, row, col)
  local b = vim.fn.bufnr(path)
  local win = b ~= -1 and vim.fn.bufwinid(b) or -1
  if win ~= -1 then
    api.nvim_set_current_win(win)
  else
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
  end
  vim.cmd("normal! m'")
  local n = api.nvim_buf_line_count(0)
  local r = math.max(0, math.min(row or 0, n - 1))
  api.nvim_win_set_cursor(0, { r + 1, col or 0 })
end

--- Moves to the next (dir = 1) or previous (dir = -1) event trigger,
--- v:count1 times; wraps around when 'wrapscan' is set.
function M.jump(dir)
  local buf = api.nvim_get_current_buf()
  local st = A.states[buf]
  if not st or not st.enabled then
    vim.notify('chronicle: this buffer is not annotated (:Chronicle annotate)', vim.log.levels.INFO)
    return nil
  end
  local doc = A.snapshot(buf)
  local evs = doc and doc.events or {}
  if #evs == 0 then
    vim.notify('chronicle: no events in this buffer', vim.log.levels.INFO)
    return nil
  end
  local count = math.max(1, vim.v.count1 or 1)
  local pos = api.nvim_win_get_cursor(0)
  local row, col = pos[1] - 1, pos[2]
  local target
  local wrapped = false
  for _ = 1, count do
    local found
    if dir > 0 then
      for _, ev in ipairs(evs) do
        if ev.row > row or (ev.row == row and ev.col > col) then
          found = ev
          break
        end
      end
      if not found and vim.o.wrapscan then
        found, wrapped = evs[1], true
      end
    else
      for i = #evs, 1, -1 do
        local ev = evs[i]
        if ev.row < row or (ev.row == row and ev.col < col) then
          found = ev
          break
        end
      end
      if not found and vim.o.wrapscan then
        found, wrapped = evs[#evs], true
      end
    end
    if not found then
      break
    end
    target = found
    row, col = found.row, found.col
  end
  if not target then
    vim.notify(('chronicle: no %s event'):format(dir > 0 and 'next' or 'previous'), vim.log.levels.INFO)
    return nil
  end
  vim.cmd("normal! m'")
  api.nvim_win_set_cursor(0, { target.row + 1, target.col })
  if wrapped then
    vim.notify(dir > 0 and 'chronicle: wrapped to the first event' or 'chronicle: wrapped to the last event')
  end
  return target
end

return M
