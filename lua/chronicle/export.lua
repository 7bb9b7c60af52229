-- chronicle.export: writes the current buffer's annotations as notes — md,
-- json, csv, ics or w3c (formats in chronicle.core) — to the export folder.
-- An existing file is never overwritten silently: the user picks a new name,
-- overwrite, or cancel (`:Chronicle! export` overwrites without asking).

local api = vim.api
local core = require('chronicle.core')

local M = {}

local function exists(path)
  return (vim.uv or vim.loop).fs_stat(path) ~= nil
end

function M.dir()
  local d = require('chronicle').config.export_dir
  if d then
    return vim.fn.fnamemodify(vim.fn.expand(d), ':p'):gsub('/$', '')
  end
  return vim.fn.stdpath('data') .. '/chronicle/export'
end

local function write(path, text)
  local dir = vim.fn.fnamemodify(path, ':h')
  if vim.fn.isdirectory(dir) == 0 and vim.fn.mkdir(dir, 'p') == 0 then
    error(('chronicle: cannot create the export folder %s'):format(dir), 0)
  end
  local f, err = io.open(path, 'wb')
  if not f then
    error(('chronicle: cannot write %s: %s'):format(path, tostring(err)), 0)
  end
  local ok, werr = f:write(text)
  f:close()
  if not ok then
    error(('chronicle: writing %s failed: %s'):format(path, tostring(werr)), 0)
  end
end

--- The doc of `buf` annotated afresh (offsets exact for the text as it is
--- now, the whole buffer whatever max_bytes says), with meta for core.export.
function M.collect(buf)
  local F = require('chronicle.ffi')
  local lines = api.nvim_buf_get_lines(buf, 0, -1, false)
  local text = table.concat(lines, '\n')
  if #lines > 0 then
    text = text .. '\n'
  end
  local ok, dct = pcall(api.nvim_buf_get_var, buf, 'chronicle_dct')
  dct = ok and require('chronicle.config').check_dct(dct) or nil
  local doc = F.annotate(text, { dct = dct })
  core.add_positions(doc, core.text_line_starts(text))
  for _, ev in ipairs(doc.events) do
    ev.anchor = ev.timex and doc.timexes[ev.timex] or nil
  end
  local path = api.nvim_buf_get_name(buf)
  local name = path ~= '' and vim.fn.fnamemodify(path, ':t') or ('untitled-' .. os.date('%Y%m%d'))
  doc.name, doc.path = name, path ~= '' and path or nil
  local kb = F.try_entity
  local meta = {
    path = doc.path,
    name = name,
    now = os.date('!%Y-%m-%dT%H:%M:%SZ'),
    generator = 'chronicle ' .. (F.version() or ''),
    text = text,
    kb = kb,
    title = core.front_matter_title(text),
  }
  return doc, meta, core.name_index({ doc }, kb)
end

--- Exports the current buffer. opts: path (target file), overwrite (bool),
--- buf, on_done(path|nil). Returns the path written synchronously, or nil
--- when the user is asked first (the answer arrives in on_done).
function M.export(fmt, opts)
  opts = opts or {}
  if not core.EXPORT_EXT[fmt] then
    error(('chronicle: unknown export format "%s" (use md, json, csv, ics or w3c)'):format(tostring(fmt)), 0)
  end
  local buf = opts.buf or api.nvim_get_current_buf()
  local doc, meta, name_of = M.collect(buf)
  local text, skipped = core.export(fmt, doc, meta, name_of)
  local target
  if opts.path and opts.path ~= '' then
    target = vim.fn.fnamemodify(vim.fn.expand(opts.path), ':p')
  else
    target = M.dir() .. '/' .. core.export_name(meta.name, fmt)
  end
  local function done(path)
    if not path then
      vim.notify('chronicle: export cancelled; nothing written', vim.log.levels.INFO)
      if opts.on_done then
        opts.on_done(nil)
      end
      return nil
    end
    write(path, text)
    local msg = ('chronicle: wrote %s (%d events, %d dates, %d entities)'):format(
      path,
      #doc.events,
      #doc.timexes,
      #doc.entities
    )
    if fmt == 'ics' and skipped and skipped > 0 then
      msg = msg .. ('; %d event%s without a calendar date left out'):format(skipped, skipped == 1 and '' or 's')
    end
    vim.notify(msg, vim.log.levels.INFO)
    M.last = path
    if opts.on_done then
      opts.on_done(path)
    end
    return path
  end
  if not exists(target) or opts.overwrite then
    return done(target)
  end
  local alt = core.alternate_name(target, exists)
  local choices = {}
  if alt then
    choices[#choices + 1] = { label = 'Write a new file: ' .. vim.fn.fnamemodify(alt, ':t'), path = alt }
  end
  choices[#choices + 1] = { label = 'Overwrite ' .. vim.fn.fnamemodify(target, ':t'), path = target }
  choices[#choices + 1] = { label = 'Cancel' }
  vim.ui.select(choices, {
    prompt = ('chronicle: %s exists'):format(target),
    format_item = function(c)
      return c.label
    end,
  }, function(choice)
    local ok, err = pcall(done, choice and choice.path or nil)
    if not ok then
      vim.notify(tostring(err), vim.log.levels.ERROR)
    end
  end)
  return nil
end

return M
