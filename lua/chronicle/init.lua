-- chronicle: the Neovim entry point. setup{} is optional: every function here
-- calls it with the defaults on first use. Loading this module is cheap (no
-- FFI); the library is loaded when a buffer is first annotated.

local api = vim.api

local M = {}

M.config = nil -- the validated options, after setup

local function notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO)
end

local function annotate()
  return require('chronicle.annotate')
end

--- Applies the options (see :help chronicle-options). Can be called again to
--- change them; invalid options are reported and keep their defaults.
function M.setup(opts)
  local config = require('chronicle.config')
  local cfg, errors = config.validate(opts)
  M.config = cfg
  if #errors > 0 then
    notify(table.concat(errors, '\n'), vim.log.levels.ERROR)
  end
  M.errors = errors
  annotate().define_highlights()
  local group = api.nvim_create_augroup('chronicle', { clear = true })
  api.nvim_create_autocmd('ColorScheme', {
    group = group,
    callback = function()
      annotate().define_highlights()
    end,
  })
  api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = cfg.filetypes,
    callback = function(ev)
      M._on_filetype(ev.buf)
    end,
  })
  api.nvim_create_autocmd({ 'BufUnload', 'BufWipeout' }, {
    group = group,
    callback = function(ev)
      annotate().forget(ev.buf)
      require('chronicle.hover').close()
    end,
  })
  -- the bootstrap autocommand of plugin/chronicle.lua has done its job
  pcall(api.nvim_del_augroup_by_name, 'chronicle_bootstrap')
  -- buffers already open when setup runs late (lazy loading) get theirs now
  for _, buf in ipairs(api.nvim_list_bufs()) do
    if api.nvim_buf_is_loaded(buf) and vim.tbl_contains(cfg.filetypes, vim.bo[buf].filetype) then
      M._on_filetype(buf)
    end
  end
  return cfg
end

local function ensure_setup()
  if not M.config then
    M.setup({})
  end
  return M.config
end
M.ensure_setup = ensure_setup

local function buffer_mappings(buf)
  local function map(lhs, plug, desc)
    vim.keymap.set('n', lhs, plug, { buffer = buf, remap = true, desc = desc, silent = true })
  end
  map(']e', '<Plug>(chronicle-next-event)', 'chronicle: next event')
  map('[e', '<Plug>(chronicle-prev-event)', 'chronicle: previous event')
  map('K', '<Plug>(chronicle-hover)', 'chronicle: hover card')
end

--- FileType of a configured filetype: annotate (after the current event, so
--- opening a file draws it first) unless the user opted this buffer out.
function M._on_filetype(buf)
  local cfg = ensure_setup()
  if not api.nvim_buf_is_valid(buf) or vim.bo[buf].buftype ~= '' then
    return
  end
  if cfg.default_mappings then
    buffer_mappings(buf)
  end
  if not cfg.auto_annotate then
    return
  end
  local ok, v = pcall(api.nvim_buf_get_var, buf, 'chronicle_enabled')
  if ok and (v == false or v == 0) then
    return
  end
  local st = annotate().states[buf]
  if st and st.enabled then
    return
  end
  vim.schedule(function()
    if api.nvim_buf_is_valid(buf) and api.nvim_buf_is_loaded(buf) then
      local s = annotate().states[buf]
      if not (s and s.enabled) then
        annotate().enable(buf)
      end
    end
  end)
end

--- plugin/chronicle.lua's FileType hook before setup has run.
function M._bootstrap(buf)
  ensure_setup()
  -- setup's own FileType autocommand was created after this event fired
  if vim.tbl_contains(M.config.filetypes, vim.bo[buf].filetype) then
    M._on_filetype(buf)
  end
end

------------------------------------------------------------------------------
-- the Lua API behind :Chronicle and the <Plug> mappings

function M.annotate(buf, force)
  ensure_setup()
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  return annotate().enable(buf, { force = force })
end

function M.clear(buf)
  ensure_setup()
  annotate().disable(buf)
end

function M.toggle(buf)
  ensure_setup()
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  local st = annotate().states[buf]
  if st and st.enabled then
    annotate().disable(buf)
    notify('chronicle: annotations off for this buffer')
  else
    annotate().enable(buf)
  end
end

function M.hover()
  ensure_setup()
  return require('chronicle.hover').open()
end

function M.related()
  ensure_setup()
  return require('chronicle.related').related()
end

function M.next_event()
  ensure_setup()
  return require('chronicle.related').jump(1)
end

function M.prev_event()
  ensure_setup()
  return require('chronicle.related').jump(-1)
end

function M.timeline(scope, from, to)
  ensure_setup()
  return require('chronicle.timeline').open(scope, from, to)
end

--- Indexes `dir` (default: index_folders, else the current buffer's
--- folder) in the background, or re-uses its open index.
function M.index(dir)
  ensure_setup()
  return require('chronicle.index').command(dir)
end

--- Cancels the indexing of `dir` (default: every folder).
function M.index_cancel(dir)
  ensure_setup()
  return require('chronicle.index').cancel(dir)
end

--- For 'statusline': "chronicle 1234/10000" while a folder is indexed,
--- "chronicle 5 files" after, "" when no index is open. Loads nothing.
function M.statusline()
  local I = package.loaded['chronicle.index']
  if not I then
    return ''
  end
  local ok, s = pcall(I.statusline)
  return ok and s or ''
end

function M.export(fmt, opts)
  ensure_setup()
  return require('chronicle.export').export(fmt, opts)
end

--- `:Chronicle status`: the library, and what this buffer holds.
function M.status_lines(buf)
  ensure_setup()
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  local lines = {}
  local f = require('chronicle.ffi')
  local s = f.status()
  if s.loaded then
    lines[#lines + 1] = ('library: %s (version %s, ABI %s)'):format(s.lib_path, s.version or '?', tostring(s.lib_abi))
    if s.engine then
      lines[#lines + 1] = ('knowledge base: %d entities'):format(s.entity_count or 0)
    else
      lines[#lines + 1] = 'engine: ' .. tostring(s.engine_error)
    end
  else
    lines[#lines + 1] = tostring(s.error)
  end
  local A = annotate()
  local st = A.states[buf]
  if not st or not st.enabled then
    lines[#lines + 1] = 'this buffer: not annotated (:Chronicle annotate)'
  else
    local c = A.counts(buf) or {}
    local d = st.doc or {}
    lines[#lines + 1] = ('this buffer: %d entities, %d dates, %d events; lang %s; document date %s%s'):format(
      c.entities or 0,
      c.timexes or 0,
      c.events or 0,
      d.lang or '?',
      d.dct or 'unknown',
      d.dct_source and (' (' .. d.dct_source .. ')') or ''
    )
    local timing = st.ms and ('last pass %.1f ms'):format(st.ms) or 'annotating…'
    if st.region then
      timing = timing .. (' (rows %d–%d)'):format(st.region[1] + 1, st.region[2])
    end
    lines[#lines + 1] = ('  %s; follows edits (debounce %d ms)%s%s'):format(
      timing,
      M.config.debounce_ms,
      st.cap_row and (', capped at line ' .. (st.cap_row + 1) .. ' by max_bytes') or '',
      st.busy and ', worker running' or ''
    )
    if st.error then
      lines[#lines + 1] = '  last error: ' .. st.error
    end
  end
  local n = 0
  for b, s2 in pairs(A.states) do
    if s2.enabled and api.nvim_buf_is_loaded(b) then
      n = n + 1
    end
  end
  lines[#lines + 1] = ('annotated buffers: %d'):format(n)
  local I = package.loaded['chronicle.index']
  local open = I and I.any()
  if open then
    for _, l in ipairs(I.status_lines()) do
      lines[#lines + 1] = l
    end
  else
    local folders = M.config.index_folders or {}
    if #folders > 0 then
      lines[#lines + 1] = ('folder index: %s — indexed on the first annotate or :Chronicle index'):format(
        table.concat(folders, ', ')
      )
    else
      lines[#lines + 1] = 'folder index: none open (:Chronicle index [DIR])'
    end
  end
  return lines
end

function M.status()
  notify(table.concat(M.status_lines(0), '\n'))
end

------------------------------------------------------------------------------
-- :Chronicle

M.subcommands = { 'annotate', 'clear', 'toggle', 'hover', 'related', 'timeline', 'export', 'index', 'status' }

local function guard(fn, ...)
  local ok, err = pcall(fn, ...)
  if not ok then
    notify(tostring(err), vim.log.levels.ERROR)
  end
  return ok
end

--- Runs `:Chronicle[!] {sub} [args]`.
function M.command(opts)
  local args = opts.fargs or {}
  local sub = args[1]
  if not sub then
    notify('chronicle: usage: :Chronicle {' .. table.concat(M.subcommands, '|') .. '}', vim.log.levels.WARN)
    return
  end
  if sub == 'annotate' then
    guard(M.annotate, 0, opts.bang)
  elseif sub == 'clear' then
    guard(M.clear, 0)
  elseif sub == 'toggle' then
    guard(M.toggle, 0)
  elseif sub == 'hover' then
    guard(M.hover)
  elseif sub == 'related' then
    guard(M.related)
  elseif sub == 'timeline' then
    local scope = args[2] or 'buffer'
    if scope ~= 'buffer' and scope ~= 'all' and scope ~= 'folder' then
      notify('chronicle: :Chronicle timeline [buffer|all|folder [FROM [TO]]]', vim.log.levels.ERROR)
      return
    end
    if scope ~= 'folder' and args[3] then
      notify('chronicle: FROM and TO go with :Chronicle timeline folder', vim.log.levels.ERROR)
      return
    end
    guard(M.timeline, scope, args[3], args[4])
  elseif sub == 'index' then
    if #args > 2 then
      notify('chronicle: :Chronicle[!] index [DIR] takes one folder (escape spaces with a backslash)', vim.log.levels.ERROR)
      return
    end
    if opts.bang then
      guard(M.index_cancel, args[2])
    else
      guard(M.index, args[2])
    end
  elseif sub == 'export' then
    local fmt = args[2]
    if not fmt then
      notify('chronicle: :Chronicle export {md|json|csv|ics|w3c} [file]', vim.log.levels.ERROR)
      return
    end
    guard(M.export, fmt, { path = args[3], overwrite = opts.bang })
  elseif sub == 'status' then
    guard(M.status)
  else
    notify(
      ('chronicle: unknown subcommand "%s" (one of: %s)'):format(sub, table.concat(M.subcommands, ', ')),
      vim.log.levels.ERROR
    )
  end
end

function M.complete(arglead, cmdline)
  local words = {}
  for w in cmdline:gmatch('%S+') do
    words[#words + 1] = w
  end
  -- the word being completed is the last one unless the line ends in a space
  local n = #words + (cmdline:match('%s$') and 1 or 0)
  local cands = {}
  if n <= 2 then
    cands = M.subcommands
  elseif n == 3 and words[2] == 'export' then
    cands = { 'md', 'json', 'csv', 'ics', 'w3c' }
  elseif n == 3 and words[2] == 'timeline' then
    cands = { 'buffer', 'all', 'folder' }
  elseif n == 4 and words[2] == 'export' then
    return vim.fn.getcompletion(arglead, 'file')
  elseif n == 3 and words[2] == 'index' then
    return vim.fn.getcompletion(arglead, 'dir')
  end
  local out = {}
  for _, c in ipairs(cands) do
    if c:sub(1, #arglead) == arglead then
      out[#out + 1] = c
    end
  end
  return out
end

return M
