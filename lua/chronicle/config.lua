-- chronicle.config: defaults and validation of setup{} options.
--
-- A bad option never aborts the user's init file: it is reported (all of
-- them at once, each naming the option, what it must be and what it got) and
-- its default is kept, so the rest of their configuration still loads.

local M = {}

local function defaults()
  return {
    filetypes = { 'markdown', 'text' },
    auto_annotate = true,
    debounce_ms = 250,
    max_bytes = 2 * 1024 * 1024,
    highlights = true,
    virtual_text = true, -- true/"eol": end of line; "inline" where Neovim supports it; false
    signs = true, -- true, false, or the sign text (1–2 cells)
    default_mappings = false,
    export_dir = nil, -- nil: stdpath("data")/chronicle/export
    related_picker = 'quickfix', -- "quickfix" or "select" (vim.ui.select; the quickfix list is filled too)
    timeline_dates = true, -- also list dates that anchor no event
    index_folders = {}, -- folders indexed in the background, lazily (first annotate or :Chronicle index)
    index_extensions = nil, -- nil: the library's (md, markdown, txt)
    index_cache_dir = nil, -- nil: stdpath("cache")/chronicle
  }
end

M.defaults = defaults

local function describe(v)
  if type(v) == 'string' then
    return ('"%s" (a string)'):format(v)
  end
  if type(v) == 'table' then
    return 'a table'
  end
  return ('%s (a %s)'):format(tostring(v), type(v))
end

local function is_int(v)
  return type(v) == 'number' and v == math.floor(v)
end

-- name → function(value) returning nil when valid, or what it must be
local checks = {
  filetypes = function(v)
    if type(v) ~= 'table' then
      return 'a list of filetype names, e.g. { "markdown", "text" }'
    end
    for i, ft in ipairs(v) do
      if type(ft) ~= 'string' or ft == '' then
        return ('a list of filetype names; item %d is %s'):format(i, describe(ft))
      end
    end
    for k in pairs(v) do
      if type(k) ~= 'number' then
        return 'a list of filetype names (not a map)'
      end
    end
  end,
  auto_annotate = function(v)
    if type(v) ~= 'boolean' then
      return 'true or false'
    end
  end,
  debounce_ms = function(v)
    if not is_int(v) or v < 0 or v > 60000 then
      return 'a whole number of milliseconds between 0 and 60000'
    end
  end,
  max_bytes = function(v)
    if not is_int(v) or v < 1024 then
      return 'a whole number of bytes, at least 1024 (e.g. 2 * 1024 * 1024)'
    end
  end,
  highlights = function(v)
    if type(v) ~= 'boolean' then
      return 'true or false'
    end
  end,
  virtual_text = function(v)
    if not (type(v) == 'boolean' or v == 'eol' or v == 'inline') then
      return 'true, false, "eol" or "inline"'
    end
  end,
  signs = function(v)
    if type(v) == 'boolean' then
      return nil
    end
    if type(v) ~= 'string' or v == '' or vim.fn.strdisplaywidth(v) > 2 then
      return 'true, false, or a sign text of 1 or 2 cells (e.g. "»")'
    end
  end,
  default_mappings = function(v)
    if type(v) ~= 'boolean' then
      return 'true or false'
    end
  end,
  export_dir = function(v)
    if v ~= nil and (type(v) ~= 'string' or v == '') then
      return 'a folder path (a string), or nil for the default'
    end
  end,
  related_picker = function(v)
    if v ~= 'quickfix' and v ~= 'select' then
      return '"quickfix" or "select"'
    end
  end,
  timeline_dates = function(v)
    if type(v) ~= 'boolean' then
      return 'true or false'
    end
  end,
  index_folders = function(v)
    if type(v) ~= 'table' then
      return 'a list of folder paths, e.g. { "~/notes/news" }'
    end
    for k in pairs(v) do
      if type(k) ~= 'number' then
        return 'a list of folder paths (not a map)'
      end
    end
    for i, d in ipairs(v) do
      if type(d) ~= 'string' or d == '' then
        return ('a list of folder paths; item %d is %s'):format(i, describe(d))
      end
    end
  end,
  index_extensions = function(v)
    if v == nil then
      return nil
    end
    local need = 'a list of file extensions without the dot, e.g. { "md", "txt" }, or nil for the default'
    if type(v) ~= 'table' or #v == 0 then
      return need
    end
    for k in pairs(v) do
      if type(k) ~= 'number' then
        return need
      end
    end
    for i, e in ipairs(v) do
      if type(e) ~= 'string' or not e:match('^[%w_%-]+$') then
        return ('%s; item %d is %s'):format(need, i, describe(e))
      end
    end
  end,
  index_cache_dir = function(v)
    if v ~= nil and (type(v) ~= 'string' or v == '') then
      return 'a folder path (a string), or nil for the default'
    end
  end,
}

M.names = {}
for k in pairs(checks) do
  M.names[#M.names + 1] = k
end
table.sort(M.names)

-- the closest option name, for "did you mean"
local function closest(name)
  local best, best_d
  for _, cand in ipairs(M.names) do
    -- a cheap distance: shared prefix length and length difference
    local p = 0
    while p < #name and p < #cand and name:sub(p + 1, p + 1) == cand:sub(p + 1, p + 1) do
      p = p + 1
    end
    local d = math.max(#name, #cand) - p
    if cand:find(name, 1, true) or name:find(cand, 1, true) then
      d = math.min(d, 2)
    end
    if not best_d or d < best_d then
      best, best_d = cand, d
    end
  end
  if best_d and best_d <= math.max(3, math.floor(#name / 2)) then
    return best
  end
end

--- Validates `opts` against the defaults. Returns the merged config and a
--- list of messages (empty when everything is fine).
function M.validate(opts)
  local cfg = defaults()
  local errors = {}
  if opts == nil then
    return cfg, errors
  end
  if type(opts) ~= 'table' then
    errors[1] = ('chronicle.setup: expected a table of options, got %s'):format(describe(opts))
    return cfg, errors
  end
  local keys = {}
  for k in pairs(opts) do
    keys[#keys + 1] = tostring(k)
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = opts[k]
    local check = checks[k]
    if not check then
      local hint = closest(k)
      errors[#errors + 1] = ('chronicle.setup: unknown option `%s`%s (options: %s)'):format(
        k,
        hint and (' — did you mean `' .. hint .. '`?') or '',
        table.concat(M.names, ', ')
      )
    else
      local need = check(v)
      if need then
        errors[#errors + 1] = ('chronicle.setup: option `%s` must be %s; got %s. Using the default.'):format(
          k,
          need,
          describe(v)
        )
      else
        cfg[k] = v
      end
    end
  end
  return cfg, errors
end

--- Checks a per-buffer DCT override (b:chronicle_dct); returns the date or
--- nil and a message.
function M.check_dct(v)
  if v == nil or v == '' then
    return nil
  end
  if type(v) ~= 'string' then
    return nil, ('b:chronicle_dct must be a "YYYY-MM-DD" string; got %s'):format(describe(v))
  end
  local y, m, d = v:match('^(%d%d%d%d)%-(%d%d)%-(%d%d)$')
  if not y or tonumber(m) < 1 or tonumber(m) > 12 or tonumber(d) < 1 or tonumber(d) > 31 then
    return nil, ('b:chronicle_dct must be a date as "YYYY-MM-DD"; got "%s"'):format(v)
  end
  return v
end

return M
