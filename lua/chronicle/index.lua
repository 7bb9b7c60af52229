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
-- bytes of files a worker reads per answer to place its events (line and
-- column); events beyond keep the line the index gives
M.POSITION_BUDGET = 32 * 1024 * 1024
-- how long a card, the related list or the timeline waits for the index
-- before it shows what it has (and fills in the rest when the answer comes)
M.WAIT_MS = 80
-- at most this many events of an answer reach the editor
M.MAX_EVENTS = 500
M.MAX_TIMELINE = 5000

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
  if e.opening then
    p.state = 'opening'
  elseif not p.state then
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
  if not e.ix or e.opening or (e.inflight or 0) > 0 then
    -- a worker thread is asking the index, and holds its lock: reading the
    -- progress now would make the editor wait for it
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

local function idle(e)
  return not e.opening and (e.inflight or 0) == 0
end

-- Waits (processing events) until no worker uses the index of `e`.
local function settle(e, ms)
  return vim.wait(ms or 10000, function()
    return idle(e)
  end, 5)
end

-- Runs `fn` once no worker uses the index of `e` (a worker answering a
-- query holds the index's lock: starting, cancelling or freeing it now
-- would make the editor wait for that answer).
local function when_idle(e, fn)
  if idle(e) then
    return fn()
  end
  vim.defer_fn(function()
    when_idle(e, fn)
  end, 50)
end

local begin_pass

-- Opens the index of entry `e` on a worker thread (reading a large cache
-- takes a while); then `after(e)` on the main thread.
local function open_async(e, after)
  e.opening = true
  local ok, err = pcall(F().index_async, 'open', nil, { cache = e.cache }, function(ix, oerr)
    vim.schedule(function()
      e.opening = false
      if not ix then
        e.failed = oerr
        e.running = false
        notify(('chronicle: cannot open the index of %s (%s): %s'):format(e.name, e.cache, tostring(oerr)), vim.log.levels.ERROR)
        statusline_changed()
        return
      end
      if e.closed then
        F().index_free(ix)
        return
      end
      e.ix = ix
      e.progress = F().index_progress(ix)
      report_message(e, e.progress)
      if after then
        after(e)
      end
      statusline_changed()
    end)
  end)
  if not ok then
    e.opening = false
    error(err, 0)
  end
  statusline_changed()
end

local function new_entry(real)
  local cache = M.cache_path(real)
  pcall(vim.fn.mkdir, vim.fn.fnamemodify(cache, ':h'), 'p')
  local e = {
    dir = real,
    name = vim.fn.fnamemodify(real, ':~'),
    cache = cache,
    said = {},
    reported = {},
    running = false,
    inflight = 0,
  }
  if not entries[real] then
    order[#order + 1] = real
  end
  entries[real] = e
  ensure_leave_hook()
  return e
end

--- The entry of folder `real` (a real path), its index opened now, on this
--- thread (tests; :Chronicle index opens on a worker thread).
function M.open(real)
  local e = entries[real]
  if e and (e.ix or e.opening) then
    settle(e)
    return e
  end
  e = new_entry(real)
  e.ix = F().index_open(e.cache)
  e.progress = F().index_progress(e.ix)
  return e
end

begin_pass = function(e)
  local p = F().index_progress(e.ix) or { state = 'idle' }
  e.progress = p
  local exts = cfg().index_extensions
  local ok, why = F().index_start(e.ix, e.dir, {
    extensions = exts and table.concat(exts, ',') or nil,
    watch = true,
  })
  if not ok then
    e.running = false
    notify(('chronicle: cannot index %s: %s'):format(e.name, tostring(why)), vim.log.levels.ERROR)
    return false
  end
  e.running = true
  e.cancelling = false
  e.fresh = p.state -- see poll
  e.t0 = e.t0 or uv.hrtime()
  e.echo_t = nil
  if e.cancel_pending then
    -- :Chronicle! index came while the cache was being read
    e.cancel_pending = nil
    F().index_cancel(e.ix)
    e.cancelling = true
  end
  echo(e, core.index_progress_text({ state = 'scanning', files_total = 0 }, e.name))
  poll_every(e, M.POLL_MS)
  return true
end

--- Indexes `dir` in the background (and keeps it current), or re-uses its
--- index when it is already indexed or being indexed. The index is opened
--- (its cache read) on a worker thread, then the pass starts. Returns the
--- entry; raises a message when the folder is not usable.
function M.start(dir)
  local real, err = M.resolve(dir)
  if not real then
    error(err, 0)
  end
  local e = entries[real]
  if e and e.opening then
    notify(core.index_progress_text(view(e), e.name) .. ' (already running)')
    return e
  end
  if not (e and e.ix) then
    -- the library and the engine are loaded here, on this thread: a missing
    -- library says so now
    F().lib()
    F().engine()
    e = new_entry(real)
    e.t0 = uv.hrtime()
    e.running = true -- from the user's point of view: the pass has begun
    echo(e, core.index_progress_text({ state = 'opening' }, e.name))
    open_async(e, function()
      if not begin_pass(e) then
        e.running = false
      end
    end)
    return e
  end
  local p = e.progress or {}
  if (e.inflight or 0) == 0 then
    p = F().index_progress(e.ix) or p
    e.progress = p
  end
  if e.running or core.INDEX_BUSY[p.state] then
    notify(core.index_progress_text(view(e), e.name) .. ' (already running)')
    return e
  elseif p.state == 'watching' then
    if not e.files and (e.inflight or 0) == 0 then
      refresh_files(e)
    end
    notify(('chronicle: %s is indexed (%d files) and watched for changes; cache %s'):format(
      e.name,
      e.files or 0,
      vim.fn.fnamemodify(e.cache, ':~')
    ))
    return e
  end
  e.t0 = uv.hrtime()
  e.running = true
  when_idle(e, function()
    if not begin_pass(e) then
      e.running = false
    end
  end)
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
    return nil, 'chronicle: which folder? :Chronicle index DIR, or set index_folders (this buffer has no file)'
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
    if not (real and entries[real] and (entries[real].ix or entries[real].opening)) then
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

-- Frees the index of `e` once no worker uses it (its thread is joined and
-- its cache write finished). With workers still busy after `ms`, the index
-- is left to the process's end rather than freed under them.
local function free(e, ms)
  stop_timer(e)
  if not settle(e, ms) then
    return false
  end
  if e.ix then
    pcall(save_if_changed, e)
    F().index_free(e.ix)
    e.ix = nil
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
    if not (entries[real] and (entries[real].ix or entries[real].opening)) then
      error(('chronicle: %s is not indexed'):format(dir), 0)
    end
    list[1] = entries[real]
  else
    for _, real in ipairs(order) do
      if entries[real] and (entries[real].ix or entries[real].opening) then
        list[#list + 1] = entries[real]
      end
    end
  end
  if #list == 0 then
    notify('chronicle: no folder index is open; nothing to cancel')
    return
  end
  for _, e in ipairs(list) do
    if e.opening and e.running then
      -- its pass starts once the cache is read: it is cancelled as it starts
      e.cancel_pending = true
      notify(('chronicle: cancelling the indexing of %s…'):format(e.name))
    else
      when_idle(e, function()
        M._cancel_one(e)
      end)
    end
  end
  statusline_changed()
end

function M._cancel_one(e)
  do
    local p = e.ix and F().index_progress(e.ix) or {}
    if e.running or core.INDEX_BUSY[p.state] then
      F().index_cancel(e.ix)
      e.cancelling = true
      notify(('chronicle: cancelling the indexing of %s…'):format(e.name))
      poll_every(e, M.POLL_MS)
    elseif p.state == 'watching' then
      -- the library stops watching only when freed: free it (the thread
      -- ends, the cache is written) and reopen the cache, idle
      free(e, 60000)
      open_async(e, function()
        if (e.inflight or 0) == 0 then
          refresh_files(e)
        end
        notify(('chronicle: stopped watching %s; the index keeps its %d files (:Chronicle index to follow changes again)'):format(
          e.name,
          e.files or 0
        ))
      end)
    else
      notify(('chronicle: %s is not being indexed; nothing to cancel'):format(e.name))
    end
  end
  statusline_changed()
end

--- Frees every index (VimLeavePre): each worker thread is joined and its
--- cache write finished (an index still answering a query after a few
--- seconds is left to the process's end).
function M.close_all()
  for _, real in ipairs(order) do
    local e = entries[real]
    if e then
      e.closed = true
      free(e, 3000)
    end
  end
end

--- Closes the index of one folder.
function M.close(dir)
  local real = M.resolve(dir) or dir
  local e = entries[real]
  if e then
    e.closed = true
    free(e, 60000)
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
  for _, real in ipairs(order) do
    local e = entries[real]
    if e and (e.ix or e.opening) then
      list[#list + 1] = view(e)
    end
  end
  return core.index_statusline(list)
end

--- Waits (processing events) until every index has been opened and has
--- finished its pass.
function M.wait(timeout)
  return vim.wait(timeout or 10000, function()
    for _, real in ipairs(order) do
      local e = entries[real]
      if e and (e.opening or e.running or e.fresh) then
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
  for _, real in ipairs(order) do
    local e = entries[real]
    if e and (e.ix or e.opening) then
      local busy = e.opening or (e.inflight or 0) > 0
      local p = (not busy and F().index_progress(e.ix)) or e.progress or {}
      e.progress = p
      if not busy and not e.running and e.files_gen ~= p.generation then
        refresh_files(e)
      end
      local v = view(e)
      local what
      if e.opening or core.INDEX_BUSY[p.state] or e.running then
        what = core.index_progress_text(v, nil):gsub('^chronicle: ', '')
      else
        what = ('%s; %d files'):format(p.state, e.files or 0)
        if (p.files_reused or 0) > 0 and e.ms then
          what = what .. (' (%d unchanged at open)'):format(p.files_reused)
        end
        if e.ms then
          what = what
            .. (', first pass %s'):format(e.ms >= 1000 and ('%.1f s'):format(e.ms / 1000) or ('%d ms'):format(math.floor(e.ms + 0.5)))
        end
      end
      lines[#lines + 1] = ('index: %s — %s'):format(e.name, what)
      lines[#lines + 1] = '  cache: '
        .. vim.fn.fnamemodify(e.cache, ':~')
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
  end
  return lines
end

------------------------------------------------------------------------------
-- positions of a folder-timeline source, for <CR>

local starts_cache, starts_n = {}, 0

--- Row and byte column (0-based) of byte offset `off` in the file `path`,
--- or nil.
function M.position(path, off)
  local st = uv.fs_stat(path)
  if not st then
    return nil
  end
  local c = starts_cache[path]
  local mt = st.mtime or {}
  if not (c and c.size == st.size and c.sec == mt.sec and c.nsec == mt.nsec) then
    local f = io.open(path, 'rb')
    if not f then
      return nil
    end
    local text = f:read('*a')
    f:close()
    if starts_n >= 64 then
      starts_cache, starts_n = {}, 0
    end
    c = { size = st.size, sec = mt.sec, nsec = mt.nsec, starts = core.text_line_starts(text or '') }
    starts_cache[path] = c
    starts_n = starts_n + 1
  end
  return core.locate(c.starts, off or 0)
end

------------------------------------------------------------------------------
-- queries. Each runs on a worker thread (the library answers in full; the
-- worker trims the answer and places its events in their files) and
-- returns a request: { done, result } with `cb(result)` called when it is
-- done — at once when the answer came within M.WAIT_MS of M.await.

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

local function set_list(set)
  local out = {}
  for k in pairs(set or {}) do
    out[#out + 1] = k
  end
  table.sort(out)
  return out
end

-- Answers already given (and requests under way), by what was asked and
-- the generation of each index asked: hovering the same entity again costs
-- nothing, and never queues the same query twice on the thread pool.
local answered, n_answered = {}, 0

local function complete(req)
  req.done = true
  answered[req.key] = req
  local cbs = req.cbs
  req.cbs = {}
  for _, fn in ipairs(cbs) do
    pcall(fn, req.result)
  end
end

--- Calls `fn(result)` when `req` is done (at once if it is).
function M.on_done(req, fn)
  if req.done then
    fn(req.result)
  else
    req.cbs[#req.cbs + 1] = fn
  end
end

-- Asks every entry of `list` (op, q(e)); `finish(answers)` (decoded, false
-- for failures) makes the request's result. `what` names the question for
-- the cache of answers.
local function request(list, op, what, q, finish)
  local key = { op, what }
  for _, e in ipairs(list) do
    key[#key + 1] = e.dir .. '@' .. tostring(e.progress and e.progress.generation)
  end
  key = table.concat(key, '\n')
  local known = answered[key]
  if known then
    return known
  end
  if n_answered >= 64 then
    answered, n_answered = {}, 0
  end
  n_answered = n_answered + 1
  local req = { done = false, cbs = {}, key = key }
  answered[key] = req -- under way: the same question joins it
  local left = #list
  local answers = {}
  local function finished()
    local ok, res = pcall(finish, answers)
    req.result = ok and res or nil
    req.error = not ok and res or nil
    if not ok then
      answered[key] = nil
    end
    complete(req)
  end
  if left == 0 then
    finished()
    return req
  end
  for i, e in ipairs(list) do
    e.inflight = (e.inflight or 0) + 1
    local ok, err = pcall(F().index_async, op, e.ix, q(e), function(s, qerr)
      vim.schedule(function()
        e.inflight = e.inflight - 1
        answers[i] = s and M.decode(s) or false
        if qerr and not e.said['query:' .. qerr] then
          e.said['query:' .. qerr] = true
          notify(('chronicle: the index of %s: %s'):format(e.name, qerr), vim.log.levels.WARN)
        end
        left = left - 1
        if left == 0 then
          finished()
        end
      end)
    end)
    if not ok then
      e.inflight = e.inflight - 1
      answers[i] = false
      left = left - 1
      notify(tostring(err), vim.log.levels.ERROR)
      if left == 0 then
        finished()
      end
    end
  end
  return req
end

--- Waits (processing events) up to `ms` (default M.WAIT_MS) for a request.
function M.await(req, ms)
  ms = ms or M.WAIT_MS
  if req and not req.done and ms > 0 then
    vim.wait(ms, function()
      return req.done
    end, 2)
  end
  return req and req.done
end

--- Where entity `id` is named in the indexed folders: result { files (core
--- "also in" entries with lines, most mentions first, `max_files` of them),
--- files_total, items (its events, the first M.MAX_EVENTS by date),
--- events_total, names }. Files in `skip` (real path → true) are left out.
function M.request_entity(id, skip, max_files)
  local list = M.active()
  local skip_list = set_list(skip)
  return request(list, 'entity', table.concat({ id, max_files or 8, unpack(skip_list) }, '\n'), function()
    return { id = id, skip = skip_list, max_files = max_files or 8, max_events = M.MAX_EVENTS, budget = M.POSITION_BUDGET }
  end, function(answers)
    local res = { files = {}, files_total = 0, items = {}, events_total = 0, names = {}, cache = {} }
    for i, e in ipairs(list) do
      local j = answers[i]
      if j and j.entity then
        for _, f in ipairs(core.index_mentions(j, e.dir, skip)) do
          res.files[#res.files + 1] = f
        end
        res.files_total = res.files_total + (j.files_total or 0)
        for _, it in ipairs(core.index_items(j.events, e.dir, res.names, res.cache)) do
          res.items[#res.items + 1] = it
        end
        res.events_total = res.events_total + (j.events_total or 0)
      end
    end
    if #list > 1 then
      table.sort(res.files, function(a, b)
        if a.count ~= b.count then
          return a.count > b.count
        end
        return a.path < b.path
      end)
      core.sort_events(res.items)
    end
    return res
  end)
end

--- Events related to event `ev` of the file `path` (its line there), from
--- the index holding the file, judged against `ev` as open buffers are:
--- result { items, names }.
function M.request_related(path, ev, skip)
  local real = M.real(path)
  local list = {}
  if real and ev.row then
    for _, e in ipairs(M.active()) do
      if under(real, e.dir) then
        list[#list + 1] = e
      end
    end
  end
  local skip_list = set_list(skip)
  return request(list, 'related', table.concat({ real or '', ev.row or -1, ev.trigger or '', ev.date or '', table.concat(ev.actors or {}, ','), unpack(skip_list) }, '\n'), function()
    -- the byte picks the event itself when a line (a Chinese paragraph) has several
    return { path = real, line = ev.row + 1, byte = type(ev.start) == 'number' and ev.start or nil, skip = skip_list, max_events = M.MAX_EVENTS, budget = M.POSITION_BUDGET }
  end, function(answers)
    local res = { items = {}, names = {}, cache = {} }
    for i, e in ipairs(list) do
      local j = answers[i]
      for _, it in ipairs(j and core.index_related(ev, j.related, e.dir, res.names, res.cache) or {}) do
        res.items[#res.items + 1] = it
      end
    end
    return res
  end)
end

--- The folder timeline between `from` and `to` (dates as written, each
--- optional): result { entries (each with `root`, its sources with `name`
--- and `row`/`col` when placed), total, sources_total }.
function M.request_timeline(from, to, max)
  local list = M.active()
  return request(list, 'timeline', table.concat({ from or '', to or '', max or M.MAX_TIMELINE }, '\n'), function()
    return { from = from, to = to, max_events = max or M.MAX_TIMELINE, budget = M.POSITION_BUDGET }
  end, function(answers)
    local res = { entries = {}, total = 0, sources_total = 0 }
    for i, e in ipairs(list) do
      local j = answers[i]
      if j then
        for _, entry in ipairs(j.events or {}) do
          entry.root = e.dir
          for _, src in ipairs(entry.sources or {}) do
            src.name = core.relative(src.doc, e.dir)
          end
          res.entries[#res.entries + 1] = entry
        end
        res.total = res.total + (j.events_total or 0)
        res.sources_total = res.sources_total + (j.sources_total or 0)
      end
    end
    core.sort_entries(res.entries)
    return res
  end)
end

--- The events dated within timex `t` (a day, or a range of days): result
--- { items, names }. Coarser dates (a month, a year) are not asked.
function M.request_on_date(t, skip)
  local from = t and t.value and core.day_of(t.value)
  local to = from and ((t.end_value and core.day_of(t.end_value)) or from)
  local list = from and M.active() or {}
  local skip_list = set_list(skip)
  return request(list, 'timeline', table.concat({ 'date', from or '', to or '', t and t.value or '', t and t.end_value or '', unpack(skip_list) }, '\n'), function()
    return { from = from, to = to, skip = skip_list, max_events = M.MAX_EVENTS, budget = M.POSITION_BUDGET }
  end, function(answers)
    local res = { items = {}, names = {}, cache = {} }
    for i, e in ipairs(list) do
      local j = answers[i]
      for _, it in ipairs(j and core.index_source_items(j.events, e.dir, res.names, res.cache) or {}) do
        if core.date_matches_timex(it.ev.date, t) and not (skip and skip[it.doc.path]) then
          res.items[#res.items + 1] = it
        end
      end
    end
    return res
  end)
end

--- Where `id` is named (blocking until the index answers; scripts, tests):
--- the files and the events, as in request_entity.
function M.entity(id, skip)
  local req = M.request_entity(id, skip, 1000000)
  M.await(req, 60000)
  local r = req.result or { files = {}, items = {} }
  return r.files, r.items
end

return M
