-- A small test harness for chronicle's Lua tests: plain Lua (runs under
-- luajit, lua5.1, lua5.2 and inside Neovim). Prints "ok - name" or
-- "not ok - name" and the reason; the caller sums them.
local H = { passed = 0, failed = 0, suite = '' }

local out = io.stdout

local function say(s)
  out:write(s, '\n')
  out:flush()
end
H.say = say

local function show(v, depth)
  depth = depth or 0
  if type(v) == 'string' then
    return string.format('%q', v)
  end
  if type(v) ~= 'table' or depth > 3 then
    return tostring(v)
  end
  local parts = {}
  local keys = {}
  for k in pairs(v) do
    keys[#keys + 1] = k
  end
  table.sort(keys, function(a, b)
    return tostring(a) < tostring(b)
  end)
  for _, k in ipairs(keys) do
    parts[#parts + 1] = tostring(k) .. '=' .. show(v[k], depth + 1)
  end
  return '{' .. table.concat(parts, ', ') .. '}'
end
H.show = show

local function deep_eq(a, b)
  if type(a) ~= type(b) then
    return false
  end
  if type(a) ~= 'table' then
    return a == b
  end
  for k, v in pairs(a) do
    if not deep_eq(v, b[k]) then
      return false
    end
  end
  for k in pairs(b) do
    if a[k] == nil then
      return false
    end
  end
  return true
end
H.deep_eq = deep_eq

function H.eq(got, want, what)
  if not deep_eq(got, want) then
    error(('%s\n    want: %s\n    got:  %s'):format(what or 'values differ', show(want), show(got)), 2)
  end
end

function H.truthy(v, what)
  if not v then
    error(what or 'expected a true value', 2)
  end
  return v
end

function H.contains(haystack, needle, what)
  if type(haystack) == 'table' then
    haystack = table.concat(haystack, '\n')
  end
  if not tostring(haystack):find(needle, 1, true) then
    if #haystack > 1500 then
      haystack = haystack:sub(1, 1500) .. '…'
    end
    error(('%s\n    expected to find: %s\n    in: %s'):format(what or 'missing text', needle, haystack), 2)
  end
end

function H.test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    H.passed = H.passed + 1
    say('ok - ' .. H.suite .. name)
  else
    H.failed = H.failed + 1
    say('not ok - ' .. H.suite .. name)
    say('    ' .. tostring(err):gsub('\n', '\n    '))
  end
end

function H.done()
  say(('# %s%d passed, %d failed'):format(H.suite, H.passed, H.failed))
  return H.failed == 0
end

return H
