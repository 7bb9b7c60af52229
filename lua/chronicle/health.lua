-- :checkhealth chronicle. Neovim 0.7 has require('health') with report_*;
-- newer ones have vim.health with ok/warn/error: feature-check both.

local M = {}

local function reporter()
  local h = vim.health or require('health')
  return {
    start = h.start or h.report_start,
    ok = h.ok or h.report_ok,
    warn = h.warn or h.report_warn,
    error = h.error or h.report_error,
    info = h.info or h.report_info,
  }
end

-- tries the extmark options chronicle draws with, on a scratch buffer
function M.probe_extmarks()
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'probe' })
  local ns = vim.api.nvim_create_namespace('chronicle_probe')
  local ok = pcall(vim.api.nvim_buf_set_extmark, buf, ns, 0, 0, {
    end_row = 0,
    end_col = 5,
    hl_group = 'ChronicleDate',
    sign_text = '»',
    virt_text = { { 'x', 'Comment' } },
    virt_text_pos = 'eol',
  })
  vim.api.nvim_buf_delete(buf, { force = true })
  return ok
end

function M.check()
  local r = reporter()
  local F = require('chronicle.ffi')

  r.start('chronicle: library')
  local s = F.status()
  r.info('plugin folder: ' .. s.root)
  r.info(('LuaJIT %s on %s/%s'):format(jit and jit.version or '?', jit and jit.os or '?', jit and jit.arch or '?'))
  if not s.has_ffi then
    r.error('this Neovim has no LuaJIT FFI', { 'chronicle needs a Neovim built with LuaJIT' })
    return
  end
  if not s.lib_exists then
    r.error('library not found: ' .. s.lib_path, { ('run `make` in %s (lazy.nvim: build = "make")'):format(s.root) })
  elseif not s.loaded then
    r.error('library not loadable: ' .. tostring(s.error), { ('run `make` in %s, then restart Neovim'):format(s.root) })
  else
    r.ok(('library loaded: %s (version %s)'):format(s.lib_path, s.version or '?'))
    r.ok(('ABI %d matches lib/include/chronicle.h'):format(s.lib_abi or -1))
    if s.engine then
      r.ok(('knowledge base loaded from %s: %d entities'):format(s.data_path, s.entity_count or 0))
      -- the saved name index halves start-up; without it the engine builds it
      if vim.fn.filereadable(s.data_path .. '/kb.names.bin') == 1 then
        r.ok('name index saved by make: ' .. s.data_path .. '/kb.names.bin')
      else
        r.warn('no saved name index: each start builds it (slower, same results)',
          { ('run `make` in %s'):format(s.root) })
      end
      -- a known-answer call through the library
      local ok, doc = pcall(F.annotate, '1995年7月11日，美国与越南建交。', {})
      if ok and doc.timexes[1] and doc.timexes[1].value == '1995-07-11' then
        r.ok(('known-answer annotate: %d entities, %d dates, %d events'):format(#doc.entities, #doc.timexes, #doc.events))
      else
        r.warn('known-answer annotate gave an unexpected result: ' .. (ok and vim.inspect(doc.timexes[1]) or tostring(doc)))
      end
    else
      r.error('engine could not start: ' .. tostring(s.engine_error), { 'is the data/ folder of the plugin complete?' })
    end
    r.info(('worker threads for large buffers: %s'):format(F.async_supported() and 'available' or 'not available'))
  end

  r.start('chronicle: Neovim')
  r.info(vim.fn.execute('version'):match('NVIM v[^\n]*') or 'NVIM ?')
  local feats = {
    { 'nvim_buf_attach (follow edits)', vim.api.nvim_buf_attach ~= nil, true },
    { 'nvim_create_user_command', vim.api.nvim_create_user_command ~= nil, true },
    { 'vim.keymap.set', vim.keymap ~= nil and vim.keymap.set ~= nil, true },
    { 'extmarks with sign_text and virt_text', M.probe_extmarks(), true },
    { 'vim.uv (else vim.loop)', vim.uv ~= nil, false },
    { 'vim.ui.select', vim.ui ~= nil and vim.ui.select ~= nil, false },
  }
  for _, f in ipairs(feats) do
    if f[2] then
      r.ok(f[1])
    elseif f[3] then
      r.error(f[1] .. ' is missing: chronicle needs Neovim 0.7 or newer')
    else
      r.info(f[1] .. ': not in this Neovim (a fallback is used)')
    end
  end

  r.start('chronicle: configuration')
  local c = require('chronicle')
  c.ensure_setup()
  if c.errors and #c.errors > 0 then
    for _, e in ipairs(c.errors) do
      r.warn(e)
    end
  else
    r.ok('setup options valid')
  end
  local cfg = c.config
  r.info(('filetypes: %s; auto_annotate: %s; debounce_ms: %d; max_bytes: %d'):format(
    table.concat(cfg.filetypes, ', '),
    tostring(cfg.auto_annotate),
    cfg.debounce_ms,
    cfg.max_bytes
  ))
  r.info('export folder: ' .. require('chronicle.export').dir())
  local n = 0
  for b, st in pairs(require('chronicle.annotate').states) do
    if st.enabled and vim.api.nvim_buf_is_loaded(b) then
      n = n + 1
    end
  end
  r.info(('annotated buffers: %d'):format(n))

  r.start('chronicle: folder index')
  local folders = cfg.index_folders or {}
  if #folders > 0 then
    r.info('index_folders: ' .. table.concat(folders, ', ') .. ' (indexed on the first annotate or :Chronicle index)')
    for _, d in ipairs(folders) do
      local I = require('chronicle.index')
      if not I.resolve(d) then
        r.warn(('index_folders: %s is not a folder'):format(d), { 'fix the path in setup{ index_folders = … }' })
      end
    end
  end
  if s.loaded then
    local ok_ix, has = pcall(F.has_index)
    if ok_ix and has then
      r.ok('the library has the folder index (background indexing, watching, cache)')
    else
      r.error('the library has no folder index: it is older than the plugin', { ('run `make` in %s'):format(s.root) })
    end
  end
  local I = package.loaded['chronicle.index']
  local dir = (I or require('chronicle.index')).cache_dir()
  local st = (vim.uv or vim.loop).fs_stat(dir)
  if st and st.type == 'directory' then
    if vim.fn.filewritable(dir) == 2 then
      r.ok('cache folder: ' .. dir)
    else
      r.error('cache folder not writable: ' .. dir, { 'indexes still work, but are rebuilt every session' })
    end
  else
    r.info('cache folder: ' .. dir .. ' (created by the first :Chronicle index)')
  end
  if I and I.any() then
    for _, l in ipairs(I.status_lines(10)) do
      if l:match('^index: ') and l:find(' — failed', 1, true) then
        r.error(l)
      elseif l:match('^index: ') and l:find(' — cancelled', 1, true) then
        r.warn(l)
      else
        r.info(l)
      end
    end
    r.ok(('%d folder index%s open'):format(#I.active(), #I.active() == 1 and '' or 'es'))
  else
    r.info('no folder index open (:Chronicle index [DIR])')
  end
end

return M
