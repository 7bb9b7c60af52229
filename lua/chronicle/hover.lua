-- chronicle.hover: the card for the entity, date or event under the cursor.
-- Gathers plain tables (live snapshots, the knowledge base), lets
-- chronicle.core write the card, and shows it gitsigns-style: a scratch
-- buffer in an unfocused float that closes when the cursor moves; calling
-- hover again while it is open focuses it; `q` or <Esc> closes it.

local api = vim.api
local core = require('chronicle.core')
local A = require('chronicle.annotate')

local M = {}

local cur = { win = nil, buf = nil, src = nil, au = nil, m = nil }
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
  cur.win, cur.buf, cur.src, cur.m = nil, nil, nil, nil
end

function M.is_open()
  return cur.win ~= nil and api.nvim_win_is_valid(cur.win)
end

local function kb(id)
  return require('chronicle.ffi').try_entity(id)
end

-- The folder index, when one is open (never loaded just for a card).
local function index()
  local I = package.loaded['chronicle.index']
  return I and I.any() and I or nil
end

--- Asks the folder index (when one is open) what it knows of mention `m`
--- of buffer `buf`: a request (chronicle.index) whose result card_for
--- merges, or nil.
function M.index_request(buf, m)
  local I = index()
  if not I then
    return nil
  end
  local skip = I.open_paths(A.snapshots(buf))
  if m.kind == 'entity' then
    if not m.id then
      return nil
    end
    return I.request_entity(m.id, skip, 8)
  elseif m.kind == 'timex' then
    return I.request_on_date(m, skip)
  else
    local here = A.snapshot(buf)
    return I.request_related(here and here.path, m, skip)
  end
end

local LOOKING = 'Folder index: looking… (the card fills in when it answers)'

--- The card (core's {lines, hl}) for mention `m` of buffer `buf`. With a
--- folder index request (`req`, from index_request), the indexed articles
--- count too: where an entity is named, its events, the events on a date,
--- an event's related events (files open in annotated buffers are read
--- from the buffers instead); a request not answered yet says so.
function M.card_for(buf, m, req)
  local docs = A.snapshots(buf)
  local here = docs[1]
  local I = index()
  local skip = I and I.open_paths(docs) or nil
  local res = req and req.done and req.result or nil
  local note = req and not req.done and LOOKING or nil
  local names = res and res.names or nil
  local name_of = core.name_index(docs, kb, names)
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
    local events_total, elsewhere_total
    if res then
      local n_buf_events, n_buf_else = #events, #elsewhere
      for _, f in ipairs(res.files) do
        elsewhere[#elsewhere + 1] = f
      end
      events = core.merge_items(events, res.items, skip)
      events_total = n_buf_events + res.events_total
      elsewhere_total = n_buf_else + res.files_total
    end
    return core.hover_entity({
      mention = m,
      kb = kb(m.id),
      here = mentions,
      events = events,
      events_total = events_total,
      elsewhere = elsewhere,
      elsewhere_total = elsewhere_total,
      name_of = name_of,
      doc = here,
      note = note,
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
    if res then
      events = core.merge_items(events, res.items, skip)
    end
    return core.hover_timex({
      mention = m,
      events = events,
      same = same,
      name_of = name_of,
      doc = here,
      note = note,
    })
  else
    local related = core.related(docs, here, m)
    if res then
      related = core.merge_items(related, res.items, skip)
    end
    return core.hover_event({
      mention = m,
      anchor = m.anchor,
      doc = here,
      related = related,
      name_of = name_of,
      indexed = req ~= nil,
      note = note,
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

local function size(lines)
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
  return width, height
end

local function fill(b, card)
  vim.bo[b].modifiable = true
  api.nvim_buf_set_lines(b, 0, -1, false, card.lines)
  api.nvim_buf_clear_namespace(b, A.ns, 0, -1)
  for _, h in ipairs(card.hl) do
    local group = ROLE[h[4]] or A.GROUPS[h[4]]
    if group then
      api.nvim_buf_add_highlight(b, A.ns, group, h[1], h[2], h[3])
    end
  end
  vim.bo[b].modifiable = false
end

--- Redraws the open card with `card` (the folder index answered).
function M.update(card)
  if not M.is_open() then
    return
  end
  fill(cur.buf, card)
  local width, height = size(card.lines)
  pcall(api.nvim_win_set_config, cur.win, { width = width, height = height })
end

local function show(card, src)
  local width, height = size(card.lines)
  local b = api.nvim_create_buf(false, true)
  fill(b, card)
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
  -- the folder index answers on a worker thread: a short wait, then the
  -- card shows what it has and fills in when the answer comes
  local req = M.index_request(buf, m)
  local I = package.loaded['chronicle.index']
  if req and I then
    I.await(req)
  end
  local w = show(M.card_for(buf, m, req), buf)
  cur.m = m
  if req and not req.done then
    I.on_done(req, function()
      if M.is_open() and cur.src == buf and cur.m == m then
        M.update(M.card_for(buf, m, req))
      end
    end)
  end
  return w
end

--- The lines of the open card (for tests and other plugins).
function M.lines()
  if not M.is_open() then
    return nil
  end
  return api.nvim_buf_get_lines(cur.buf, 0, -1, false)
end

return M
