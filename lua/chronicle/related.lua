-- chronicle.related: related events into the quickfix list (and
-- vim.ui.select when configured), and ]e / [e motions between events.

local api = vim.api
local core = require('chronicle.core')
local A = require('chronicle.annotate')

local M = {}

local function kb(id)
  local ok, v = pcall(require('chronicle.ffi').entity, id)
  return ok and v or nil
end

local function ready(buf)
  local st = A.states[buf]
  if not st or not st.enabled then
    return A.enable(buf, { sync = true })
  end
  if st.dirty and not st.busy then
    A.update(buf)
  end
  return true
end

--- Quickfix items for {doc=, ev=} items: exact byte positions (vcol = 0), so
--- <CR> in the quickfix window lands on the trigger itself.
function M.qf_items(items, name_of)
  local out = {}
  for _, it in ipairs(items) do
    local ev = it.ev
    local why = core.related_reason(it, name_of)
    out[#out + 1] = {
      bufnr = it.doc.bufnr,
      filename = it.doc.bufnr == nil and it.doc.path or nil,
      lnum = ev.row + 1,
      col = ev.col + 1,
      end_lnum = ev.end_row + 1,
      end_col = ev.end_col + 1,
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
  if not ready(buf) then
    return nil
  end
  local m = subject(buf)
  if not m then
    vim.notify('chronicle: no event, entity or date under the cursor', vim.log.levels.INFO)
    return nil
  end
  local docs = A.snapshots(buf)
  local here = docs[1]
  local name_of = core.name_index(docs, kb)
  local items, title
  if m.kind == 'event' then
    items = core.related(docs, here, m)
    title = ('chronicle: related to %s %s (%s)'):format(m.label or 'event', m.date or 'undated', m.trigger or '')
  elseif m.kind == 'entity' then
    items = core.events_of_entity(docs, m.id)
    title = ('chronicle: events of %s'):format((name_of(m.id)))
  else
    items = core.events_on_date(docs, m)
    title = ('chronicle: events on %s'):format(core.date_short(m) or m.value or m.text)
  end
  if #items == 0 then
    vim.notify(
      ('chronicle: nothing related found in the %d annotated buffer%s'):format(#docs, #docs == 1 and '' or 's'),
      vim.log.levels.INFO
    )
    return items
  end
  local qf = M.qf_items(items, name_of)
  vim.fn.setqflist({}, ' ', { title = title, items = qf })
  local picker = require('chronicle').config.related_picker
  if picker == 'select' then
    vim.ui.select(items, {
      prompt = title,
      format_item = function(it)
        return core.event_summary(it.ev, name_of) .. '  · ' .. core.where(it.doc, it.ev)
      end,
    }, function(choice)
      if choice then
        M.goto_mention(choice.doc.bufnr, choice.ev)
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
