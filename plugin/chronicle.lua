-- chronicle: the :Chronicle command and <Plug> mappings. Nothing else runs at
-- startup: no module is required and the C library is not loaded until the
-- first command or the first buffer of a configured filetype.
if vim.g.loaded_chronicle then
  return
end
vim.g.loaded_chronicle = 1

vim.api.nvim_create_user_command('Chronicle', function(opts)
  require('chronicle').command(opts)
end, {
  nargs = '*',
  bang = true,
  desc = 'chronicle: annotate, hover, related events, timeline, export',
  complete = function(arglead, cmdline)
    return require('chronicle').complete(arglead, cmdline)
  end,
})

local function plug(name, fn)
  vim.keymap.set('n', '<Plug>(' .. name .. ')', function()
    require('chronicle')[fn]()
  end, { silent = true, desc = 'chronicle: ' .. fn:gsub('_', ' ') })
end
plug('chronicle-hover', 'hover')
plug('chronicle-next-event', 'next_event')
plug('chronicle-prev-event', 'prev_event')
plug('chronicle-related', 'related')

-- Auto-annotation needs to see FileType before the user's setup{} may have
-- run (setup is optional). This one autocommand loads only the small Lua
-- entry module, which applies the defaults and replaces it with its own.
-- Skipped when setup{} already ran (from init.lua, before plugin/ scripts).
local loaded = package.loaded['chronicle']
if not (loaded and loaded.config) then
  local group = vim.api.nvim_create_augroup('chronicle_bootstrap', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = { 'markdown', 'text' }, -- the default filetypes
    callback = function(ev)
      require('chronicle')._bootstrap(ev.buf)
    end,
  })
end
