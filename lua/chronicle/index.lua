-- chronicle.index: folders of articles indexed in the background by the
-- library (chr_index_*), kept current while Neovim runs, and asked by the
-- hover card, related events and the timeline.
--
-- Design (the reasons matter more than the code):
-- * The library works on its own thread and libuv's pool and never calls
--   back. A vim.uv/vim.loop timer on Neovim's own loop polls
--   chr_index_progress_get — every 100 ms while a pass runs, every second
--   while watching — and everything it does runs on the main thread
--   (vim.schedule): no Lua ever runs on a foreign thread.
-- * One index, and one cache file, per folder: stdpath('cache')/chronicle/
--   NAME-HASH.index, HASH from the folder's real path, so the same folder
--   always reopens the same cache (and reopens fast: only changed files are
--   read again). Every index is started with watch = 1.
-- * Messages: progress is echoed without history, only with a UI attached
--   and never over the command line; the end of a pass, skipped files and
--   problems are said once each (vim.notify), never per tick.
-- * Nothing here runs at startup. The module is loaded by :Chronicle index,
--   by the first annotate when `index_folders` is set, or by the statusline
--   function once an index exists.
-- * Queries answer JSON (decoded here, null as nil); chronicle.core turns it
--   into the same item tables open buffers give, so cards, quickfix and the
--   timeline treat both alike. Files open in annotated buffers are left out
--   of index answers: their live text wins.

local api = vim.api
local uv = vim.uv or vim.loop
local core = require('chronicle.core')

local M = {}

M.POLL_MS = 100 -- while a pass runs
M.WATCH_POLL_MS = 1000 -- while watching
M.ECHO_MS = 200 -- at most one progress echo per this
-- bytes of files read per view to turn the index's byte offsets into lines
M.POSITION_BUDGET = 32 * 1024 * 1024

local entries = {} -- real path of the folder → entry
local order = {} -- real paths, in the order they were opened
M.entries = entries

M.last_echo = nil -- the last progress text (echoed or not): for tests

local function F()
  return require('chronicle.ffi')
end

local function cfg()
  return require('chronicle').ensure_setup()
end

local function notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO)
end

------------------------------------------------------------------------------
-- JSON answers

local decode_opts = { luanil = { object = true, array = true } }

local function strip_nil(v)
  if v == vim.NIL then
    return nil
  end
  if type(v) == 'table' then
    for k, x in pairs(v) do
      v[k] = strip_nil(x)
    end
  end
  return v
end

--- Decodes a JSON answer of the library, JSON null as nil.
function M.decode(s)
  if not s or s == '' then
    return nil
  end
  local ok, v = pcall(vim.json.decode, s, decode_opts)
  if ok then
    return v
  end
  -- a Neovim whose vim.json.decode takes no options
  ok, v = pcall(vim.fn.json_decode, s)
  return ok and strip_nil(v) or nil
end

------------------------------------------------------------------------------
-- folders and cache files

--- The folder `dir` as the index knows it (absolute, symlinks resolved), or
--- nil and a message. `~`, `$VAR` and `%:h` are expanded.
function M.resolve(dir)
  if type(dir) ~= 'string' or dir == '' then
    return nil, 'chronicle: no folder given'
  end
  local d = dir
  if d:match('^[~$%%#<]') then
    d = vim.fn.expand(d)
  end
  local abs = vim.fn.fnamemodify(d, ':p')
  local real = uv.fs_realpath(abs)
  if not real then
    return nil, ('chronicle: no such folder: %s'):format(dir)
  end
  local st = uv.fs_stat(real)
  if not st or st.type ~= 'directory' then
    return nil, ('chronicle: not a folder: %s'):format(dir)
  end
  return real
end

--- Where the cache files live: `index_cache_dir`, else stdpath('cache')/chronicle.
function M.cache_dir()
  local d = cfg().index_cache_dir
  if d then
    return (vim.fn.fnamemodify(vim.fn.expand(d), ':p'):gsub('/$', ''))
  end
  return vim.fn.stdpath('cache') .. '/chronicle'
end

--- The cache file of the folder `real` (a real path): one per folder, the
--- same name every time ("news-1a2b3c4d5e6f7a8b.index").
function M.cache_path(real)
  local base = vim.fn.fnamemodify(real, ':t'):gsub('[^%w%._%-]', '_')
  if base == '' then
    base = 'root'
  end
  return ('%s/%s-%s.index'):format(M.cache_dir(), base, vim.fn.sha256(real):sub(1, 16))
end

local function under(path, dir)
  return path == dir or path:sub(1, #dir + 1) == dir .. '/' or dir == '/'
end

------------------------------------------------------------------------------
-- polling

local function stop_timer(e)
  if e.timer then
    e.timer:stop()
    if not e.timer:is_closing() then
      e.timer:close()
    end
    e.timer = nil
    e.interval = nil
  end
end

local poll

local function poll_every(e, ms)
  if e.timer and e.interval == ms then
    return
  end
  if not e.timer then
    e.timer = uv.new_timer()
  end
  e.timer:stop()
  e.interval = ms
  -- the timer runs on Neovim's loop; the work is scheduled onto the main
  -- thread's safe points (the library is only ever polled, never heard)
  e.timer:start(
    ms,
    ms,
    vim.schedule_wrap(function()
      if entries[e.dir] == e and e.ix then
        poll(e)
      end
    end)
  )
end

-- the progress with what the editor knows on top: files held and skipped
local function view(e)
  local p = {}
  for k, v in pairs(e.progress or {}) do
    p[k] = v
  end
  if not p.state then
    p.state = 'idle'
  end
  p.files = e.files
  p.skipped = e.skipped and #e.skipped or nil
  return p
end

local function statusline_changed()
  local s = M.statusline()
  if s ~= M._statusline then
    M._statusline = s
    vim.cmd('redrawstatus!')
    -- for statusline plugins that redraw on events
    pcall(api.nvim_exec_autocmds, 'User', { pattern = 'ChronicleIndex', modeline = false })
  end
end

local function echo(e, text)
  M.last_echo = text
  if #api.nvim_list_uis() == 0 then
    return -- headless: nobody to show it to
  end
  local now = uv.hrtime()
  if e.echo_t and now - e.echo_t < M.ECHO_MS * 1e6 then
    return
  end
  local mode = api.nvim_get_mode()
  if mode.blocking or mode.mode:sub(1, 1) == 'c' or mode.mode:sub(1, 1) == 'r' then
    return -- never over the command line or a prompt
  end
  e.echo_t = now
  api.nvim_echo({ { text } }, false, {})
end

-- What the index holds, from chr_index_files: the count of files and the
-- skipped ones with their reasons.
local function refresh_files(e)
  local j = M.decode(F().index_query(e.ix, 'files'))
  local n, skipped = 0, {}
  for _, f in ipairs(j and j.files or {}) do
    if f.skipped then
      skipped[#skipped + 1] = f
    else
      n = n + 1
    end
  end
  e.files, e.skipped = n, skipped
  e.files_gen = e.progress and e.progress.generation
end

-- Says the skipped files not said before (once per file and session).
local function report_skipped(e)
  local new = {}
  for _, f in ipairs(e.skipped or {}) do
    if not e.reported[f.path] then
      e.reported[f.path] = true
      new[#new + 1] = f
    end
  end
  if #new > 0 then
    notify(core.index_skipped_text(new, e.dir, e.name), vim.log.levels.WARN)
  end
end

-- Says the library's latest problem once (skipped files are said above).
local function report_message(e, p)
  local msg = p.message
  if not msg or msg == '' or msg:match('^skipped ') or e.said[msg] then
    return
  end
  e.said[msg] = true
  local level = msg:match('^cache not used') and vim.log.levels.INFO or vim.log.levels.WARN
  notify(('chronicle: %s: %s'):format(e.name, msg), level)
end

local function pass_over(e, p)
  return p.state == 'watching' or p.state == 'ready' or p.state == 'failed' or (p.state == 'cancelled' and e.cancelling)
end

poll = function(e)
  if not e.ix then
    return
  end
  local ok, err = pcall(function()
    local p = F().index_progress(e.ix)
    if not p then
      return
    end
    if e.fresh then
      -- chr_index_start returned, but the thread may not have said so yet:
      -- the state of the pass before is not this pass's end
      if p.state == e.fresh and p.files_total == 0 and uv.hrtime() - e.t0 < 5e9 then
        return
      end
      e.fresh = nil
    end
    e.progress = p
    report_message(e, p)
    if core.INDEX_BUSY[p.state] or (e.running and not pass_over(e, p)) then
      echo(e, core.index_progress_text(view(e), e.name))
    elseif e.running then
      -- the end of a pass: said once
      e.running = false
      e.ms = (uv.hrtime() - e.t0) / 1e6
      e.saved_gen = p.generation
      if p.state == 'failed' then
        stop_timer(e)
        notify(core.index_progress_text(view(e), e.name), vim.log.levels.ERROR)
      elseif p.state == 'cancelled' then
        stop_timer(e)
        refresh_files(e)
        notify(core.index_progress_text(view(e), e.name) .. ('; the index keeps the %d files it has'):format(e.files))
      else
        refresh_files(e)
        local v = view(e)
        M.last_echo = core.index_done_text(v, e.name, e.ms)
        notify(M.last_echo)
        report_skipped(e)
        if p.state == 'watching' then
          poll_every(e, M.WATCH_POLL_MS)
        else
          stop_timer(e)
        end
      end
    elseif p.state == 'watching' and p.generation ~= e.files_gen then
      -- files changed, appeared or went: what queries see changed
      refresh_files(e)
      report_skipped(e)
    end
    statusline_changed()
  end)
  if not ok and not e.said['poll:' .. tostring(err)] then
    e.said['poll:' .. tostring(err)] = true
    stop_timer(e)
    notify(tostring(err), vim.log.levels.ERROR)
  end
end
M._poll = function(e)
  return poll(e)
end

------------------------------------------------------------------------------
-- opening, starting, cancelling, closing

local leave_hook = false

local function ensure_leave_hook()
  if leave_hook then
    return
  end
  leave_hook = true
  api.nvim_create_autocmd('VimLeavePre', {
    group = api.nvim_create_augroup('chronicle_index', { clear = true }),
    callback = function()
      M.close_all()
    end,
  })
end

--- The entry of folder `real` (a real path), opening its index (reading
--- its cache) when it is not open yet. Raises a message on failure.
function M.open(real)
  local e = entries[real]
  if e and e.ix then
    return e
  end
  local cache = M.cache_path(real)
  pcall(vim.fn.mkdir, vim.fn.fnamemodify(cache, ':h'), 'p')
  local ix = F().index_open(cache)
  e = {
    dir = real,
    name = vim.fn.fnamemodify(real, ':~'),
    cache = cache,
    ix = ix,
    said = {},
    reported = {},
    running = false,
  }
  e.progress = F().index_progress(ix)
  if not entries[real] then
    order[#order + 1] = real
  end
  entries[real] = e
  ensure_leave_hook()
  return e
end

--- Indexes `dir` in the background (and keeps it current), or re-uses its
--- index when it is already indexed or being indexed. Returns the entry;
--- raises a message when the folder or the library is not usable.
function M.start(dir)
  local real, err = M.resolve(dir)
  if not real then
    error(err, 0)
  end
  local e = M.open(real)
  local p = F().index_progress(e.ix) or { state = 'idle' }
  e.progress = p
  if e.running or core.INDEX_BUSY[p.state] then
    notify(core.index_progress_text(view(e), e.name) .. ' (already running)')
    return e
  elseif p.state == 'watching' then
    if not e.files then
      refresh_files(e)
    end
    notify(('chronicle: %s is indexed (%d files) and watched for changes; cache %s'):format(
      e.name,
      e.files or 0,
      vim.fn.fnamemodify(e.cache, ':~')
    ))
    return e
  end
  local exts = cfg().index_extensions
  local ok, why = F().index_start(e.ix, real, {
    extensions = exts and table.concat(exts, ',') or nil,
    watch = true,
  })
  if not ok then
    error(('chronicle: cannot index %s: %s'):format(e.name, tostring(why)), 0)
  end
  e.running = true
  e.cancelling = false
  e.fresh = p.state -- see poll
  e.t0 = uv.hrtime()
  e.echo_t = nil
  poll_every(e, M.POLL_MS)
  return e
end

--- The folders `:Chronicle index` means without an argument: the
--- configured `index_folders`, else the current buffer's folder.
function M.default_folders()
  local folders = cfg().index_folders or {}
  if #folders > 0 then
    return folders
  end
  local name = api.nvim_buf_get_name(0)
  if name == '' or vim.bo.buftype ~= '' then
    return nil,
      'chronicle: which folder? :Chronicle index DIR, or set index_folders (this buffer has no file)'
  end
  return { vim.fn.fnamemodify(name, ':p:h') }
end

--- `:Chronicle index [DIR]`: starts (or re-uses) the index of DIR or of the
--- default folders. Returns the entries started or re-used.
function M.command(dir)
  local dirs, err
  if dir and dir ~= '' then
    dirs = { dir }
  else
    dirs, err = M.default_folders()
  end
  if not dirs then
    error(err, 0)
  end
  M.autostarted = true
  local out, errors = {}, {}
  for _, d in ipairs(dirs) do
    local ok, e = pcall(M.start, d)
    if ok then
      out[#out + 1] = e
    else
      errors[#errors + 1] = tostring(e)
    end
  end
  if #errors > 0 then
    notify(table.concat(errors, '\n'), vim.log.levels.ERROR)
  end
  return out
end

--- The first annotate with `index_folders` set: index them (once a
--- session; the folders already open are left as they are).
function M.autostart()
  if M.autostarted then
    return
  end
  M.autostarted = true
  local errors = {}
  for _, d in ipairs(cfg().index_folders or {}) do
    local real = M.resolve(d)
    if not (real and entries[real] and entries[real].ix) then
      local ok, err = pcall(M.start, d)
      if not ok then
        errors[#errors + 1] = tostring(err) .. ' (index_folders)'
      end
    end
  end
  if #errors > 0 then
    notify(table.concat(errors, '\n'), vim.log.levels.WARN)
  end
end

-- Saves what changed since the cache was last written by the pass (the
-- library's own saver writes a second after a change; this covers the last
-- second) — only when something did change.
local function save_if_changed(e)
  local p = F().index_progress(e.ix)
  if p and p.state == 'watching' and e.saved_gen and p.generation ~= e.saved_gen then
    local ok, err = F().index_save(e.ix)
    if not ok then
      return false, err
    end
    e.saved_gen = p.generation
  end
  return true
end

--- `:Chronicle! index [DIR]`: cancels the running pass of DIR (or of every
--- index); an index that is watching stops watching. Either way the index
--- stays open with what it holds, for the queries.
function M.cancel(dir)
  local list = {}
  if dir and dir ~= '' then
    local real, err = M.resolve(dir)
    if not real then
      error(err, 0)
    end
    if not (entries[real] and entries[real].ix) then
      error(('chronicle: %s is not indexed'):format(dir), 0)
    end
    list[1] = entries[real]
  else
    for _, real in ipairs(order) do
      if entries[real] and entries[real].ix then
        list[#list + 1] = entries[real]
      end
    end
  end
  if #list == 0 then
    notify('chronicle: no folder index is open; nothing to cancel')
    return
  end
  for _, e in ipairs(list) do
    local p = F().index_progress(e.ix) or {}
    if e.running or core.INDEX_BUSY[p.state] then
      F().index_cancel(e.ix)
      e.cancelling = true
      notify(('chronicle: cancelling the indexing of %s…'):format(e.name))
      poll_every(e, M.POLL_MS)
    elseif p.state == 'watching' then
      -- the library stops watching only when freed: free it (the thread
      -- ends, the cache is written) and reopen the cache, idle
      stop_timer(e)
      save_if_changed(e)
      F().index_free(e.ix)
      e.ix = nil
      local ok, err = pcall(function()
        e.ix = F().index_open(e.cache)
        e.progress = F().index_progress(e.ix)
        refresh_files(e)
      end)
      if ok then
        notify(('chronicle: stopped watching %s; the index keeps its %d files (:Chronicle index to follow changes again)'):format(
          e.name,
          e.files or 0
        ))
      else
        notify(tostring(err), vim.log.levels.ERROR)
      end
    else
      notify(('chronicle: %s is not being indexed; nothing to cancel'):format(e.name))
    end
  end
  statusline_changed()
end

--- Frees every index (VimLeavePre): each worker thread is joined and its
--- cache write finished.
function M.close_all()
  for _, real in ipairs(order) do
    local e = entries[real]
    if e and e.ix then
      stop_timer(e)
      pcall(save_if_changed, e)
      F().index_free(e.ix)
      e.ix = nil
    end
  end
end

--- Closes the index of one folder (tests; freeing joins its thread).
function M.close(dir)
  local real = M.resolve(dir) or dir
  local e = entries[real]
  if e and e.ix then
    stop_timer(e)
    pcall(save_if_changed, e)
    F().index_free(e.ix)
    e.ix = nil
  end
  entries[real] = nil
  for i, r in ipairs(order) do
    if r == real then
      table.remove(order, i)
      break
    end
  end
  statusline_changed()
end

--- Open indexes (entries with a live handle), in the order they were opened.
function M.active()
  local out = {}
  for _, real in ipairs(order) do
    local e = entries[real]
    if e and e.ix then
      out[#out + 1] = e
    end
  end
  return out
end

function M.any()
  return #M.active() > 0
end

--- The statusline text of the open indexes ("chronicle 1234/10000",
--- "chronicle 5 files"), "" when none is open. Cheap: no library call.
function M.statusline()
  local list = {}
  for _, e in ipairs(M.active()) do
    list[#list + 1] = view(e)
  end
  return core.index_statusline(list)
end

--- Waits (processing events) until every open index has finished its pass.
function M.wait(timeout)
  return vim.wait(timeout or 10000, function()
    for _, e in ipairs(M.active()) do
      if e.running or e.fresh then
        return false
      end
    end
    return true
  end, 20)
end

--- Lines for :Chronicle status and :checkhealth: per index its folder,
--- state, counts, cache file and skipped files with their reasons.
function M.status_lines(max_skipped)
  max_skipped = max_skipped or 20
  local lines = {}
  for _, e in ipairs(M.active()) do
    local p = F().index_progress(e.ix) or e.progress or {}
    e.progress = p
    if not e.running and e.files_gen ~= p.generation then
      refresh_files(e)
    end
    local v = view(e)
    local what
    if core.INDEX_BUSY[p.state] or e.running then
      what = core.index_progress_text(v, nil):gsub('^chronicle: ', '')
    else
      what = ('%s; %d files'):format(p.state, e.files or 0)
      if (p.files_reused or 0) > 0 and e.ms then
        what = what .. (' (%d unchanged at open)'):format(p.files_reused)
      end
      if e.ms then
        what = what .. (', first pass %s'):format(e.ms >= 1000 and ('%.1f s'):format(e.ms / 1000) or ('%d ms'):format(math.floor(e.ms + 0.5)))
      end
    end
    lines[#lines + 1] = ('index: %s — %s'):format(e.name, what)
    lines[#lines + 1] = '  cache: ' .. vim.fn.fnamemodify(e.cache, ':~')
      .. (uv.fs_stat(e.cache) and '' or ' (not written yet)')
    local skipped = e.skipped or {}
    if #skipped > 0 then
      lines[#lines + 1] = ('  skipped: %d file%s'):format(#skipped, #skipped == 1 and '' or 's')
      for i, f in ipairs(skipped) do
        if i > max_skipped then
          lines[#lines + 1] = ('    … %d more'):format(#skipped - max_skipped)
          break
        end
        lines[#lines + 1] = ('    %s — %s'):format(core.relative(f.path, e.dir), f.skipped)
      end
    end
    if p.message and p.message ~= '' then
      lines[#lines + 1] = '  latest message: ' .. p.message
    end
  end
  return lines
end

------------------------------------------------------------------------------
-- positions: the index gives byte offsets (and lines); quickfix entries and
-- jumps want a line and a byte column, read from the file

local starts_cache, starts_n = {}, 0

local function line_starts(path, budget)
  local st = uv.fs_stat(path)
  if not st then
    return nil
  end
  local c = starts_cache[path]
  local mt = st.mtime or {}
  if c and c.size == st.size and c.sec == mt.sec and c.nsec == mt.nsec then
    return c.starts
  end
  if budget then
    if st.size > budget.left then
      return nil
    end
    budget.left = budget.left - st.size
  end
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  local starts = core.text_line_starts(text or '')
  if starts_n >= 512 then
    starts_cache, starts_n = {}, 0
  end
  starts_cache[path] = { size = st.size, sec = mt.sec, nsec = mt.nsec, starts = starts }
  starts_n = starts_n + 1
  return starts
end

--- Row and byte column (0-based) of byte offset `off` in the file `path`,
--- or nil. `budget` (optional, { left = bytes }) bounds the reading.
function M.position(path, off, budget)
  local starts = line_starts(path, budget)
  if not starts then
    return nil
  end
  return core.locate(starts, off or 0)
end

--- Gives the index items' events row/col/end_row/end_col from their files
--- (within M.POSITION_BUDGET bytes read; beyond it they keep the line the
--- index gave, column 0).
function M.locate(items)
  local budget = { left = M.POSITION_BUDGET }
  for _, it in ipairs(items) do
    local ev = it.ev
    if ev.indexed and ev.col == nil and ev.start and it.doc.path then
      local starts = line_starts(it.doc.path, budget)
      if starts then
        local r, c = core.locate(starts, ev.start)
        local r2, c2 = core.locate(starts, ev.stop or ev.start, r)
        ev.row, ev.col, ev.end_row, ev.end_col = r, c, r2, c2
      end
    end
  end
  return items
end

------------------------------------------------------------------------------
-- queries: each returns core items; `names` (id → name) collects the
-- actors' names, `cache` shares one doc per file across calls

local realpaths = {}

--- The real path of a file name (cached for the session), or nil.
function M.real(path)
  if not path or path == '' then
    return nil
  end
  local r = realpaths[path]
  if r == nil then
    r = uv.fs_realpath(path) or false
    realpaths[path] = r
  end
  return r or nil
end

--- The files of annotated buffers (`docs`, chronicle.annotate snapshots),
--- as a set of real paths: index answers for them are left out.
function M.open_paths(docs)
  local set = {}
  for _, d in ipairs(docs) do
    local r = d.path and M.real(d.path)
    if r then
      set[r] = true
    end
  end
  return set
end

--- Index items related to event `ev` of the file `path` (its line in that
--- file), from the index holding the file; judged against `ev` like open
--- buffers are (core.index_related).
function M.related(path, ev, names, cache)
  local out = {}
  local real = M.real(path)
  if not real or not ev.row then
    return out
  end
  for _, e in ipairs(M.active()) do
    if under(real, e.dir) then
      local j = M.decode(F().index_query(e.ix, 'related', real, ev.row + 1))
      if j and j.related then
        for _, it in ipairs(core.index_related(ev, j.related, e.dir, names, cache)) do
          out[#out + 1] = it
        end
      end
    end
  end
  return out
end

--- Where entity `id` is named in the indexed folders: the files (core's
--- "also in" entries with lines; those in `skip` left out) and its events.
function M.entity(id, skip, names, cache)
  local files, items = {}, {}
  if not id then
    return files, items
  end
  for _, e in ipairs(M.active()) do
    local j = M.decode(F().index_query(e.ix, 'entity', id))
    if j and j.entity then
      for _, f in ipairs(core.index_mentions(j, e.dir, skip)) do
        files[#files + 1] = f
      end
      for _, it in ipairs(core.index_items(j.events, e.dir, names, cache)) do
        items[#items + 1] = it
      end
    end
  end
  if #M.active() > 1 then
    table.sort(files, function(a, b)
      if a.count ~= b.count then
        return a.count > b.count
      end
      return a.path < b.path
    end)
  end
  return files, items
end

--- Raw timeline entries of every open index between `from` and `to`
--- (dates as written, each optional), in date order.
function M.timeline_entries(from, to, actor)
  local out = {}
  for _, e in ipairs(M.active()) do
    local j = M.decode(F().index_query(e.ix, 'timeline', from, to, actor))
    for _, entry in ipairs(j and j.events or {}) do
      entry.root = e.dir
      out[#out + 1] = entry
    end
  end
  return core.sort_entries(out)
end

--- Index items of the events dated within timex `t` (each source one item).
function M.on_date(t, names, cache)
  local out = {}
  if not (t and t.value and t.value:match('^%d%d%d%d')) then
    return out
  end
  local from = core.day_of(t.value) or t.value
  local to = (t.end_value and core.day_of(t.end_value)) or from
  for _, entry in ipairs(M.timeline_entries(from, to)) do
    for _, it in ipairs(core.index_source_items({ entry }, entry.root, names, cache)) do
      if core.date_matches_timex(it.ev.date, t) then
        out[#out + 1] = it
      end
    end
  end
  return out
end

--- Timeline entries of the folders with each source's `name` (relative to
--- its folder) and `row` (within M.POSITION_BUDGET bytes read).
function M.timeline(from, to, actor)
  local entries_ = M.timeline_entries(from, to, actor)
  local budget = { left = M.POSITION_BUDGET }
  for _, entry in ipairs(entries_) do
    for _, s in ipairs(entry.sources or {}) do
      s.name = core.relative(s.doc, entry.root)
      local starts = line_starts(s.doc, budget)
      if starts then
        s.row, s.col = core.locate(starts, s.start or 0)
      end
    end
  end
  return entries_
end

return M
