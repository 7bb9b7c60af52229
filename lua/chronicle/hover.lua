-- chronicle.hover: the card for the entity, date or event under the cursor.
-- Gathers plain tables (live snapshots, the knowledge base), lets
-- chronicle.core write the card, and shows it gitsigns-style: a scratch
-- buffer in an unfocused float that closes when the cursor moves; calling
-- hover again while it is open focuses it; `q` or <Esc> closes it.

local api = vim.api
local core = require('chronicle.core')
local A = require('chronicle.annotate')

local M = {}

local cur = { win = nil, buf = nil, src = nil, au = nil }
M.current = cur

local ROLE = {
  title = 'ChronicleHoverTitle',
  label = 'ChronicleHoverLabel',
  muted = 'ChronicleHoverMuted',
  date = 'ChronicleDate',
  event = 'ChronicleEvent',
}

function M.close()
  if cur.au then
    pcall(api.nvim_del_autocmd, cur.au)
    cur.au = nil
  end
  if cur.win and api.nvim_win_is_valid(cur.win) then
    pcall(api.nvim_win_close, cur.win, true)
  end
  cur.win, cur.buf, cur.src = nil, nil, nil
end

function M.is_open()
  return cur.win ~= nil and api.nvim_win_is_valid(cur.win)
end

local function kb(id)
  local ok, v = pcall(require('chronicle.ffi').entity, id)
  return ok and v or nil
end

-- The folder index, when one is open (never loaded just for a card).
local function index()
  local I = package.loaded['chronicle.index']
  return I and I.any() and I or nil
end

--- The card (core's {lines, hl}) for mention `m` of buffer `buf`. With a
--- folder index open, the indexed articles count too: where an entity is
--- named, its events, the events on a date, an event's related events
--- (files open in annotated buffers are read from the buffers instead).
function M.card_for(buf, m)
  local docs = A.snapshots(buf)
  local here = docs[1]
  local I = index()
  local names, cache, skip = {}, {}, I and I.open_paths(docs) or nil
  local function name_of_()
    return core.name_index(docs, kb, names)
  end
  if m.kind == 'entity' then
    local mentions, elsewhere = {}, {}
    for _, e in ipairs(here.entities) do
      if e.id == m.id then
        mentions[#mentions + 1] = e
      end
    end
    for i = 2, #docs do
      local n = 0
      for _, e in ipairs(docs[i].entities) do
        if e.id == m.id then
          n = n + 1
        end
      end
      if n > 0 then
        elsewhere[#elsewhere + 1] = { name = docs[i].name, count = n }
      end
    end
    local events = core.events_of_entity(docs, m.id)
    if I then
      local files, items = I.entity(m.id, skip, names, cache)
      for _, f in ipairs(files) do
        elsewhere[#elsewhere + 1] = f
      end
      events = core.merge_items(events, items, skip)
    end
    return core.hover_entity({
      mention = m,
      kb = kb(m.id),
      here = mentions,
      events = events,
      elsewhere = elsewhere,
      name_of = name_of_(),
      doc = here,
    })
  elseif m.kind == 'timex' then
    local same = {}
    for _, d in ipairs(docs) do
      for _, t in ipairs(d.timexes) do
        if t ~= m and t.value and (t.value == m.value or core.same_date(t.value, m.value)) then
          same[#same + 1] = { doc = d, t = t }
        end
      end
    end
    local events = core.events_on_date(docs, m)
    if I then
      events = core.merge_items(events, I.on_date(m, names, cache), skip)
    end
    return core.hover_timex({
      mention = m,
      events = events,
      same = same,
      name_of = name_of_(),
      doc = here,
    })
  else
    local related = core.related(docs, here, m)
    if I then
      related = core.merge_items(related, I.related(here.path, m, names, cache), skip)
    end
    return core.hover_event({
      mention = m,
      anchor = m.anchor,
      doc = here,
      related = related,
      name_of = name_of_(),
    })
  end
end

-- Brings the buffer's marks up to date before reading them: edits since the
-- last pass (not yet debounced) are annotated now; it is the user asking.
local function current_marks(buf)
  local st = A.states[buf]
  if not st or not st.enabled then
    local ok = A.enable(buf, { sync = true })
    return ok
  end
  if st.dirty and not st.busy then
    A.update(buf)
  end
  return true
end

local function show(card, src)
  local lines = card.lines
  local width = 20
  for _, l in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(l))
  end
  width = math.min(width, math.max(20, math.min(90, vim.o.columns - 4)))
  -- height after wrapping
  local height = 0
  for _, l in ipairs(lines) do
    height = height + math.max(1, math.ceil(vim.fn.strdisplaywidth(l) / width))
  end
  height = math.min(height, math.max(3, vim.o.lines - 6))
  local b = api.nvim_create_buf(false, true)
  api.nvim_buf_set_lines(b, 0, -1, false, lines)
  for _, h in ipairs(card.hl) do
    local group = ROLE[h[4]] or A.GROUPS[h[4]]
    if group then
      api.nvim_buf_add_highlight(b, A.ns, group, h[1], h[2], h[3])
    end
  end
  vim.bo[b].modifiable = false
  vim.bo[b].bufhidden = 'wipe'
  vim.bo[b].filetype = 'chronicle-hover'
  local w = api.nvim_open_win(b, false, {
    relative = 'cursor',
    row = 1,
    col = 0,
    width = width,
    height = height,
    style = 'minimal',
    border = 'rounded',
    focusable = true,
    zindex = 50,
  })
  vim.wo[w].wrap = true
  vim.wo[w].linebreak = true
  for _, key in ipairs({ 'q', '<Esc>' }) do
    vim.keymap.set('n', key, M.close, { buffer = b, nowait = true, silent = true, desc = 'chronicle: close the card' })
  end
  cur.win, cur.buf, cur.src = w, b, src
  -- close when the cursor leaves the spot (not on a CursorMoved that merely
  -- reports where the cursor already was when the card opened)
  local at = api.nvim_win_get_cursor(0)
  cur.au = api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI', 'InsertEnter', 'BufLeave', 'BufHidden' }, {
    buffer = src,
    callback = function(ev)
      if ev.event == 'CursorMoved' or ev.event == 'CursorMovedI' then
        local now = api.nvim_win_get_cursor(0)
        if now[1] == at[1] and now[2] == at[2] then
          return
        end
      end
      if ev.event == 'BufLeave' and api.nvim_get_current_win() ~= w then
        -- leaving for the card itself keeps it; anything else closes it
        vim.schedule(function()
          if api.nvim_get_current_win() ~= w then
            M.close()
          end
        end)
        return
      end
      M.close()
    end,
  })
  return w
end

--- Opens the card for what is under the cursor (or focuses an open card).
function M.open()
  if M.is_open() then
    if api.nvim_get_current_win() ~= cur.win then
      api.nvim_set_current_win(cur.win)
    end
    return cur.win
  end
  local buf = api.nvim_get_current_buf()
  if not current_marks(buf) then
    return nil
  end
  local pos = api.nvim_win_get_cursor(0)
  local m = A.at(buf, pos[1] - 1, pos[2])
  if not m then
    vim.notify('chronicle: nothing annotated under the cursor', vim.log.levels.INFO)
    return nil
  end
  return show(M.card_for(buf, m), buf)
end

--- The lines of the open card (for tests and other plugins).
function M.lines()
  if not M.is_open() then
    return nil
  end
  return api.nvim_buf_get_lines(cur.buf, 0, -1, false)
end

return M
