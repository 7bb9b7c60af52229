-- chronicle.timeline: a scratch buffer (filetype chronicle-timeline) listing
-- the events of the current buffer, or of every annotated buffer, in date
-- order; <CR> jumps to the source, `q` closes.

local api = vim.api
local core = require('chronicle.core')
local A = require('chronicle.annotate')

local M = {}

M.maps = {} -- timeline buffer → { [line] = item }
M.gen = {} -- timeline buffer → how many times it was filled (a late answer checks it)

local function kb(id)
  return require('chronicle.ffi').try_entity(id)
end


-- To the window the timeline was opened from (else a new split above).
local function source_window(tbuf)
  vim.cmd('wincmd p')
  if api.nvim_get_current_buf() == tbuf then
    vim.cmd('aboveleft split')
  end
end

--- Jumps from the timeline line under the cursor to its source.
function M.jump()
  local tbuf = api.nvim_get_current_buf()
  local map = M.maps[tbuf]
  local item = map and map[api.nvim_win_get_cursor(0)[1]]
  if not item then
    return
  end
  if item.source then
    -- a source of the folder index: a file and a byte offset
    local s = item.source
    -- placed by the index's worker; else read the file now (the budget of
    -- bytes read there ran out)
    local row, col = s.row, s.col
    if not row then
      row, col = require('chronicle.index').position(s.doc, s.start)
    end
    if not row then
      vim.notify('chronicle: cannot read ' .. s.doc, vim.log.levels.WARN)
      return
    end
    local b = vim.fn.bufnr(s.doc)
    local win = b ~= -1 and vim.fn.bufwinid(b) or -1
    if win == -1 then
      source_window(tbuf)
    end
    require('chronicle.related').goto_file(s.doc, row, col)
    return
  end
  local m = item.ev or item.t
  local buf = item.doc.bufnr
  if not buf or not api.nvim_buf_is_valid(buf) then
    vim.notify('chronicle: that buffer is gone', vim.log.levels.WARN)
    return
  end
  local win = vim.fn.bufwinid(buf)
  if win == -1 then
    source_window(tbuf)
  else
    api.nvim_set_current_win(win)
  end
  require('chronicle.related').goto_mention(buf, m)
end

-- The open indexes (index_folders are started if none is), or an error.
local function folder_index()
  local I = require('chronicle.index')
  if not I.any() then
    local folders = require('chronicle').config.index_folders or {}
    if #folders == 0 then
      error('chronicle: no folder is indexed: :Chronicle index [DIR] first (or set index_folders)', 0)
    end
    I.autostart()
    -- the cache is read on a worker thread: a moment for it
    vim.wait(3000, function()
      return I.any()
    end, 10)
    if not I.any() then
      error('chronicle: the folders of index_folders are not open yet (:Chronicle status)', 0)
    end
  end
  return I
end

-- The folder timeline's lines for a request's result (nil: not answered
-- yet): the events of every open index between `from` and `to`, the same
-- event told by several articles shown once with each source.
local function folder_lines(I, req, from, to)
  local folders, busy = {}, {}
  for _, e in ipairs(I.active()) do
    folders[#folders + 1] = e.name
    if e.running then
      busy[#busy + 1] = core.index_progress_text(e.progress or {}, e.name):gsub('^chronicle: ', '')
    end
  end
  local range = ''
  if from or to then
    range = (' (%s … %s)'):format(from or '', to or '')
  end
  local title = 'Chronicle timeline — ' .. table.concat(folders, ', ') .. range
  if not (req and req.done) then
    return { title, '', 'The folder index is answering… (this buffer fills in when it has)' }, { false, false, false }
  end
  local res = req.result or { entries = {}, total = 0 }
  local notes = {}
  if #busy > 0 then
    notes[#notes + 1] = 'still ' .. table.concat(busy, '; ') .. ': partial'
  end
  if res.total > #res.entries then
    notes[#notes + 1] = ('the first %d of %d events: narrow with :Chronicle timeline folder FROM TO'):format(
      #res.entries,
      res.total
    )
  end
  return core.folder_timeline(res.entries, {
    title = title,
    note = #notes > 0 and ('(' .. table.concat(notes, '; ') .. ')') or nil,
  })
end

--- Opens the timeline of the current buffer (`scope` "buffer"), of all
--- annotated buffers ("all"), or of the indexed folders ("folder", dates
--- between `from` and `to`, each optional); returns the timeline buffer.
function M.open(scope, from, to)
  scope = scope or 'buffer'
  local buf = api.nvim_get_current_buf()
  if vim.bo[buf].filetype == 'chronicle-timeline' and scope ~= 'folder' then
    vim.notify('chronicle: run :Chronicle timeline from an article buffer', vim.log.levels.INFO)
    return nil
  end
  local lines, map, name, req, I
  if scope == 'folder' then
    I = folder_index()
    req = I.request_timeline(from, to)
    I.await(req)
    lines, map = folder_lines(I, req, from, to)
    name = 'chronicle://timeline/folder'
  else
    if not A.ready(buf) then
      return nil
    end
    local docs
    if scope == 'all' then
      docs = A.snapshots(buf)
    else
      docs = { A.snapshot(buf) }
    end
    local name_of = core.name_index(docs, kb)
    local items = core.timeline_items(docs, require('chronicle').config.timeline_dates)
    local title = scope == 'all' and ('Chronicle timeline — %d buffers'):format(#docs)
      or ('Chronicle timeline — ' .. docs[1].name)
    lines, map = core.timeline(items, name_of, { title = title, multi = scope == 'all' })
    name = 'chronicle://timeline/' .. (scope == 'all' and 'all' or docs[1].name)
  end

  local tbuf = vim.fn.bufnr('^' .. vim.fn.escape(name, '\\/.*$^~[]') .. '$')
  if tbuf == -1 or not api.nvim_buf_is_valid(tbuf) then
    tbuf = api.nvim_create_buf(false, true)
    api.nvim_buf_set_name(tbuf, name)
  end
  vim.bo[tbuf].buftype = 'nofile'
  vim.bo[tbuf].bufhidden = 'wipe'
  vim.bo[tbuf].swapfile = false
  M.fill(tbuf, lines, map)
  if req and not req.done then
    local gen = (M.gen[tbuf] or 0) + 1
    M.gen[tbuf] = gen
    I.on_done(req, function()
      -- the buffer may be gone, or show another timeline by now
      if api.nvim_buf_is_valid(tbuf) and M.gen[tbuf] == gen then
        local l2, m2 = folder_lines(I, req, from, to)
        M.fill(tbuf, l2, m2)
        for _, w in ipairs(vim.fn.win_findbuf(tbuf)) do
          for i = 1, #l2 do
            if m2[i] then
              pcall(api.nvim_win_set_cursor, w, { i, 0 })
              break
            end
          end
        end
      end
    end)
  else
    M.gen[tbuf] = (M.gen[tbuf] or 0) + 1
  end
  local win = vim.fn.bufwinid(tbuf)
  if win == -1 then
    vim.cmd(('botright %dsplit'):format(math.max(3, math.min(#lines, 15))))
    api.nvim_win_set_buf(0, tbuf)
  else
    api.nvim_set_current_win(win)
  end
  vim.wo.wrap = false
  vim.wo.cursorline = true
  -- the filetype last, so ftplugins and user autocommands see the content
  vim.bo[tbuf].filetype = 'chronicle-timeline'
  vim.keymap.set('n', '<CR>', M.jump, { buffer = tbuf, silent = true, desc = 'chronicle: go to the source' })
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = tbuf, silent = true, desc = 'chronicle: close' })
  api.nvim_create_autocmd('BufWipeout', {
    buffer = tbuf,
    once = true,
    callback = function()
      M.maps[tbuf] = nil
      M.gen[tbuf] = nil
    end,
  })
  -- the cursor on the first entry
  for i = 1, #lines do
    if map[i] then
      api.nvim_win_set_cursor(0, { i, 0 })
      break
    end
  end
  return tbuf
end

--- Puts `lines` (and their highlights) in the timeline buffer `tbuf`;
--- `map` gives the item of each line.
function M.fill(tbuf, lines, map)
  vim.bo[tbuf].modifiable = true
  api.nvim_buf_set_lines(tbuf, 0, -1, false, lines)
  vim.bo[tbuf].modifiable = false
  M.maps[tbuf] = map
  api.nvim_buf_clear_namespace(tbuf, A.ns, 0, -1)
  api.nvim_buf_add_highlight(tbuf, A.ns, 'ChronicleHoverTitle', 0, 0, -1)
  for i, item in pairs(map) do
    if item then
      local l = lines[i]
      local dlen = #(l:match('^(%S+)') or '')
      api.nvim_buf_add_highlight(tbuf, A.ns, 'ChronicleDate', i - 1, 0, dlen)
      if item.entry then
        -- the folder timeline: an event line, or one of its sources
        local label = item.entry.label
        local s = dlen > 0 and label and l:find(label, dlen + 1, true)
        if s then
          api.nvim_buf_add_highlight(tbuf, A.ns, 'ChronicleEvent', i - 1, s - 1, s - 1 + #label)
        elseif dlen == 0 then
          api.nvim_buf_add_highlight(tbuf, A.ns, 'ChronicleHoverMuted', i - 1, 0, -1)
        end
      elseif item.t then
        api.nvim_buf_add_highlight(tbuf, A.ns, 'ChronicleHoverMuted', i - 1, dlen, -1)
      elseif item.ev.label then
        local s = l:find(item.ev.label, dlen + 1, true)
        if s then
          api.nvim_buf_add_highlight(tbuf, A.ns, 'ChronicleEvent', i - 1, s - 1, s - 1 + #item.ev.label)
        end
      end
    end
  end
end

return M
