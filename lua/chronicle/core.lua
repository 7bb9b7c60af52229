-- chronicle.core: everything an editor integration shares, in plain Lua.
--
-- No `vim.*`, no FFI, no I/O: it runs on Lua 5.1, 5.2 and LuaJIT, so another
-- editor (or a script) can reuse the hover cards, the timeline, dates in
-- words, related-event search and the export formats by feeding it the same
-- plain tables. The Neovim layer only gathers these tables and draws.
--
-- The tables (what the C library's accessors give, plus positions):
--
--   doc = {
--     name = "article.zh.md", path = "/abs/article.zh.md",  -- both optional
--     lang = "zh", dct = "2023-09-11", dct_source = "front_matter",
--     entities = { mention... }, timexes = { mention... }, events = { event... },
--   }
--   entity mention: { start, stop, text, type = "PERSON"|"GPE"|"LOC"|"ORG",
--                     id, name, source }
--   timex mention:  { start, stop, text, type = "DATE"|"TIME"|"DURATION"|"SET",
--                     value, mod, end_value }
--   event:          { start, stop, trigger, type = "04", label, date,
--                     timex = <1-based index into doc.timexes or nil>,
--                     actors = { entity ids }, place, status, date_source,
--                     sentence = { start, stop } }
--
-- `start`/`stop` are 0-based byte offsets, `stop` exclusive (SPEC §3's
-- `end`, renamed because `end` is a Lua keyword). Editors add `row`/`col`
-- (0-based, bytes) and `end_row`/`end_col`; line references print row + 1.

local M = {}

M.VERSION = 1

local concat, insert, sort = table.concat, table.insert, table.sort
local floor = math.floor

------------------------------------------------------------------------------
-- small helpers

local function trim(s)
  return (s:gsub('^%s+', ''):gsub('%s+$', ''))
end

local function one_line(s)
  return (s:gsub('[\r\n\t]+', ' '))
end

M.trim = trim
M.one_line = one_line

--- Byte offsets of each line start (index 1 = row 0) of `lines`, joined by
--- "\n" as editors hand buffers to the library.
function M.line_starts(lines)
  local starts, pos = {}, 0
  for i = 1, #lines do
    starts[i] = pos
    pos = pos + #lines[i] + 1
  end
  return starts
end

--- Byte offsets of each line start of a text string.
function M.text_line_starts(text)
  local starts, n = { 0 }, 1
  local i = 1
  while true do
    local nl = text:find('\n', i, true)
    if not nl then
      break
    end
    n = n + 1
    starts[n] = nl
    i = nl + 1
  end
  return starts
end

--- Row (0-based) and byte column of a byte offset; `hint` (a row) makes
--- sorted sweeps O(1).
function M.locate(starts, off, hint)
  local n = #starts
  local r = hint and hint + 1 or nil
  if r and r >= 1 and r <= n and starts[r] <= off and (r == n or starts[r + 1] > off) then
    return r - 1, off - starts[r]
  end
  local lo, hi = 1, n
  while lo < hi do
    local mid = floor((lo + hi + 1) / 2)
    if starts[mid] <= off then
      lo = mid
    else
      hi = mid - 1
    end
  end
  return lo - 1, off - starts[lo]
end

--- Adds row/col/end_row/end_col to every mention of `doc` (in place).
--- `hook` (optional) is called every 512 mentions (to yield in long runs).
function M.add_positions(doc, starts, base_row, hook)
  base_row = base_row or 0
  for _, list in ipairs({ doc.entities or {}, doc.timexes or {}, doc.events or {} }) do
    local hint = 0
    for i, m in ipairs(list) do
      if hook and i % 512 == 0 then
        hook()
      end
      local r, c = M.locate(starts, m.start, hint)
      local r2, c2 = M.locate(starts, m.stop, r)
      m.row, m.col, m.end_row, m.end_col = r + base_row, c, r2 + base_row, c2
      hint = r
    end
  end
  return doc
end

--- Display width of a UTF-8 string in terminal cells (East Asian wide and
--- fullwidth characters count 2, combining marks 0). An approximation of
--- wcwidth good enough for aligning columns of CJK and Vietnamese text.
local function cp_width(cp)
  if cp < 0x300 then
    return 1
  end
  if (cp >= 0x300 and cp <= 0x36F) or (cp >= 0x200B and cp <= 0x200F) or (cp >= 0xFE00 and cp <= 0xFE0F) then
    return 0
  end
  if
    (cp >= 0x1100 and cp <= 0x115F)
    or (cp >= 0x2E80 and cp <= 0x303E)
    or (cp >= 0x3041 and cp <= 0x33FF)
    or (cp >= 0x3400 and cp <= 0x4DBF)
    or (cp >= 0x4E00 and cp <= 0x9FFF)
    or (cp >= 0xA000 and cp <= 0xA4CF)
    or (cp >= 0xAC00 and cp <= 0xD7A3)
    or (cp >= 0xF900 and cp <= 0xFAFF)
    or (cp >= 0xFE30 and cp <= 0xFE4F)
    or (cp >= 0xFF00 and cp <= 0xFF60)
    or (cp >= 0xFFE0 and cp <= 0xFFE6)
    or (cp >= 0x1F300 and cp <= 0x1F64F)
    or (cp >= 0x20000 and cp <= 0x3FFFD)
  then
    return 2
  end
  return 1
end

local function utf8_iter(s)
  local i, n = 1, #s
  return function()
    if i > n then
      return nil
    end
    local b = s:byte(i)
    local len, cp
    if b < 0x80 then
      len, cp = 1, b
    elseif b >= 0xF0 then
      len, cp = 4, b - 0xF0
    elseif b >= 0xE0 then
      len, cp = 3, b - 0xE0
    elseif b >= 0xC0 then
      len, cp = 2, b - 0xC0
    else
      len, cp = 1, 0xFFFD
    end
    for k = 1, len - 1 do
      local c = s:byte(i + k)
      if not c or c < 0x80 or c >= 0xC0 then
        len, cp = k, 0xFFFD
        break
      end
      cp = cp * 64 + (c - 0x80)
    end
    local at = i
    i = i + len
    return at, cp, len
  end
end

function M.width(s)
  local w = 0
  for _, cp in utf8_iter(s) do
    w = w + cp_width(cp)
  end
  return w
end

--- Pads `s` with spaces to `w` display cells (never truncates).
function M.pad(s, w)
  local d = w - M.width(s)
  return d > 0 and (s .. string.rep(' ', d)) or s
end

--- Truncates `s` to at most `w` display cells, with an ellipsis.
function M.truncate(s, w)
  if M.width(s) <= w then
    return s
  end
  local out, used = {}, 0
  for at, cp, len in utf8_iter(s) do
    local cw = cp_width(cp)
    if used + cw > w - 1 then
      break
    end
    out[#out + 1] = s:sub(at, at + len - 1)
    used = used + cw
  end
  return concat(out) .. '…'
end

--- Number of code points in s[1..byte_len] (W3C selectors count characters).
function M.char_count(s)
  local n = 0
  for i = 1, #s do
    local b = s:byte(i)
    if b < 0x80 or b >= 0xC0 then
      n = n + 1
    end
  end
  return n
end

------------------------------------------------------------------------------
-- dates

local MONTHS = {
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
}
local WEEKDAYS = { 'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday' }
local PARTS = { MO = 'morning', MI = 'midday', AF = 'afternoon', EV = 'evening', NI = 'night', DT = 'daytime' }
local SEASONS = { SP = 'spring', SU = 'summer', FA = 'autumn', WI = 'winter' }
local SEASON_MONTH = { SP = '03', SU = '06', FA = '09', WI = '12' }
local MODS = {
  START = 'early ',
  MID = 'mid-',
  END = 'late ',
  APPROX = 'about ',
  BEFORE = 'before ',
  AFTER = 'since ',
  ON_OR_BEFORE = 'on or before ',
  ON_OR_AFTER = 'on or after ',
  MORE_THAN = 'more than ',
  LESS_THAN = 'less than ',
  EQUAL_OR_LESS = 'at most ',
  EQUAL_OR_MORE = 'at least ',
}
local UNITS = { Y = 'year', M = 'month', W = 'week', D = 'day', H = 'hour', S = 'second', DE = 'decade', CE = 'century' }

M.MONTHS = MONTHS

--- Day of the week (1 = Sunday) of a Gregorian date (Sakamoto's method).
function M.weekday(y, m, d)
  local t = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 }
  if m < 3 then
    y = y - 1
  end
  return (y + floor(y / 4) - floor(y / 100) + floor(y / 400) + t[m] + d) % 7 + 1
end

local function valid_day(y, m, d)
  if m < 1 or m > 12 or d < 1 then
    return false
  end
  local dim = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
  if m == 2 and ((y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0) then
    return d <= 29
  end
  return d <= dim[m]
end

local function plural(n, unit)
  if n == 1 then
    return '1 ' .. unit
  end
  if unit == 'century' then
    return n .. ' centuries'
  end
  return n .. ' ' .. unit .. 's'
end

local function duration_words(v)
  -- P20Y, P3M, P1W, P2D, PT5H, PT30M, P1Y6M, PXY (an unknown number of years)
  local body = v:match('^P(.*)$')
  if not body then
    return nil
  end
  local out = {}
  local in_time = false
  for num, unit in body:gmatch('([%dX%.]*)(%a+)') do
    if unit == 'T' then
      in_time = true
    else
      local t = unit:sub(1, 1) == 'T' and unit:sub(2) or unit
      if unit:sub(1, 1) == 'T' then
        in_time = true
      end
      local name
      if in_time and t == 'M' then
        name = 'minute'
      else
        name = UNITS[t]
      end
      if not name then
        return nil
      end
      if num == 'X' or num == '' then
        out[#out + 1] = 'several ' .. (name == 'century' and 'centuries' or name .. 's')
      else
        out[#out + 1] = plural(tonumber(num) or num, name)
      end
    end
  end
  if #out == 0 then
    return nil
  end
  return concat(out, ' ')
end

local function day_words(y, mo, d, with_weekday)
  local yn, mn, dn = tonumber(y), tonumber(mo), tonumber(d)
  local s = ('%d %s %s'):format(dn, MONTHS[mn], y)
  if with_weekday and yn and valid_day(yn, mn, dn) then
    s = WEEKDAYS[M.weekday(yn, mn, dn)] .. ', ' .. s
  end
  return s
end

--- A TIMEX3 value in English words ("1995-07-11" → "Tuesday, 11 July 1995").
--- Returns nil for values it cannot read (callers show the raw value).
function M.value_words(v, ttype)
  if not v or v == '' then
    return nil
  end
  if v == 'PAST_REF' then
    return 'the past'
  elseif v == 'PRESENT_REF' then
    return 'the present'
  elseif v == 'FUTURE_REF' then
    return 'the future'
  end
  if v:sub(1, 1) == 'P' then
    local d = duration_words(v)
    if d and ttype == 'SET' then
      return 'every ' .. d:gsub('^1 ', '')
    end
    return d
  end
  local y, mo, d, rest
  y, mo, d, rest = v:match('^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$')
  if y then
    local mn = tonumber(mo)
    if not MONTHS[mn] then
      return nil
    end
    local base = day_words(y, mo, d, true)
    if rest == '' then
      return base
    end
    local part = rest:match('^T(%a%a)$')
    if part and PARTS[part] then
      return PARTS[part] .. ' of ' .. base
    end
    local hh, mm = rest:match('^T(%d%d):(%d%d)')
    if hh then
      return hh .. ':' .. mm .. ', ' .. base
    end
    return base
  end
  -- unknown year or month: XXXX-04-15, XXXX-04, 2015-XX-03
  y, mo, d = v:match('^(XXXX)%-(%d%d)%-(%d%d)')
  if y then
    local mn = tonumber(mo)
    if MONTHS[mn] then
      return ('%d %s (year unknown)'):format(tonumber(d), MONTHS[mn])
    end
  end
  y, mo = v:match('^(XXXX)%-(%d%d)$')
  if y and MONTHS[tonumber(mo)] then
    return MONTHS[tonumber(mo)] .. ' (year unknown)'
  end
  y, d = v:match('^(%d%d%d%d)%-XX%-(%d%d)$')
  if y then
    return ('day %d of an unknown month of %s'):format(tonumber(d), y)
  end
  y, mo = v:match('^(%d%d%d%d)%-(%d%d)$')
  if y and MONTHS[tonumber(mo)] then
    return MONTHS[tonumber(mo)] .. ' ' .. y
  end
  y, rest = v:match('^(%d%d%d%d)%-Q(%d)$')
  if y then
    local q = tonumber(rest)
    local span = { 'January–March', 'April–June', 'July–September', 'October–December' }
    if span[q] then
      return ('Q%d %s (%s)'):format(q, y, span[q])
    end
  end
  y, rest = v:match('^(%d%d%d%d)%-H(%d)$')
  if y then
    return (rest == '1' and 'first' or 'second') .. ' half of ' .. y
  end
  y, rest = v:match('^(%d%d%d%d)%-(%a%a)$')
  if y and SEASONS[rest] then
    return SEASONS[rest] .. ' ' .. y
  end
  y, rest = v:match('^(%d%d%d%d)%-W(%d%d)')
  if y then
    return ('week %d of %s'):format(tonumber(rest), y)
  end
  if v:match('^%d%d%d%d$') then
    return v
  end
  if v:match('^%d%d%d$') then
    return 'the ' .. v .. '0s'
  end
  if v:match('^%d%d$') then
    local c = tonumber(v) + 1
    local suffix = ({ [1] = 'st', [2] = 'nd', [3] = 'rd' })[c % 10]
    if c % 100 >= 11 and c % 100 <= 13 then
      suffix = nil
    end
    return ('the %d%s century'):format(c, suffix or 'th')
  end
  if v == 'XXXX' then
    return 'an unknown year'
  end
  return nil
end

local function range_words(a, b)
  -- "2023-10-18".."2023-10-20" → "18–20 October 2023 (Wednesday–Friday)"
  local y1, m1, d1 = a:match('^(%d%d%d%d)%-(%d%d)%-(%d%d)$')
  local y2, m2, d2 = (b or ''):match('^(%d%d%d%d)%-(%d%d)%-(%d%d)$')
  if y1 and y2 and MONTHS[tonumber(m1)] and MONTHS[tonumber(m2)] then
    if y1 == y2 and m1 == m2 then
      return ('%d–%d %s %s'):format(tonumber(d1), tonumber(d2), MONTHS[tonumber(m1)], y1)
    elseif y1 == y2 then
      return ('%d %s – %d %s %s'):format(tonumber(d1), MONTHS[tonumber(m1)], tonumber(d2), MONTHS[tonumber(m2)], y1)
    end
    return day_words(y1, m1, d1) .. ' – ' .. day_words(y2, m2, d2)
  end
  local wa, wb = M.value_words(a), M.value_words(b)
  if wa and wb then
    return wa .. ' to ' .. wb
  end
  return nil
end

--- A timex (value, mod, end_value, type) in words; always returns a string.
function M.date_words(t)
  local v = t.value
  if not v then
    return 'no normalised value'
  end
  local w
  if t.end_value then
    w = range_words(v, t.end_value)
  end
  w = w or M.value_words(v, t.type) or v
  if t.mod and MODS[t.mod] then
    w = MODS[t.mod] .. w
  elseif t.mod then
    w = w .. ' (' .. t.mod:lower():gsub('_', ' ') .. ')'
  end
  return w
end

--- The short normalised form drawn as virtual text ("2023-10-18..20",
--- "≥2016" style prefixes kept readable as words).
function M.date_short(t)
  local v = t.value
  if not v or v:match('_REF$') then
    -- "the past/present/future" adds nothing to 近年来 or Hiện nay
    return nil
  end
  if v:sub(1, 1) == 'P' then
    return M.value_words(v, t.type)
  end
  local s = v
  if t.end_value then
    local a, b = v:match('^(%d%d%d%d%-%d%d%-)(%d%d)$')
    if a and t.end_value:sub(1, #a) == a then
      s = v .. '..' .. t.end_value:sub(#a + 1)
    else
      s = v .. '..' .. t.end_value
    end
  end
  if t.mod then
    local m = MODS[t.mod]
    s = (m and trim(m) or t.mod:lower()) .. ' ' .. s
  end
  return s
end

--- A string that sorts dates chronologically (ISO order), nil last. Coarse
--- values sort at their start: "199" (1990s) as 1990, "2017-Q3" as July.
function M.date_key(v)
  if not v or v == '' then
    return nil
  end
  if v:match('_REF$') or v:sub(1, 1) == 'P' or v:sub(1, 1) == 'X' then
    return nil
  end
  local y, rest = v:match('^(%d%d%d%d)(.*)$')
  if not y then
    if v:match('^%d%d%d$') then
      return v .. '0'
    elseif v:match('^%d%d$') then
      return v .. '00'
    end
    return nil
  end
  if rest == '' then
    return y
  end
  local mo, dd, tail = rest:match('^%-(%d%d)%-(%d%d)(.*)$')
  if mo then
    local part = tail:match('^T(%a%a)$')
    local hours = { MO = '09:00', MI = '12:00', AF = '15:00', EV = '19:00', NI = '22:00', DT = '12:00' }
    if part and hours[part] then
      return y .. '-' .. mo .. '-' .. dd .. 'T' .. hours[part]
    end
    local hhmm = tail:match('^T(%d%d:%d%d)')
    if hhmm then
      return y .. '-' .. mo .. '-' .. dd .. 'T' .. hhmm
    end
    return y .. '-' .. mo .. '-' .. dd
  end
  mo = rest:match('^%-(%d%d)$')
  if mo then
    return y .. '-' .. mo
  end
  local q = rest:match('^%-Q(%d)$')
  if q then
    return ('%s-%02d'):format(y, (tonumber(q) - 1) * 3 + 1)
  end
  local h = rest:match('^%-H(%d)$')
  if h then
    return y .. (h == '1' and '-01' or '-07')
  end
  local s = rest:match('^%-(%a%a)$')
  if s and SEASON_MONTH[s] then
    return y .. '-' .. SEASON_MONTH[s]
  end
  local w = rest:match('^%-W(%d%d)')
  if w then
    return ('%s-%02d'):format(y, math.min(12, floor((tonumber(w) - 1) / 4.35) + 1))
  end
  return y
end

--- The calendar day of a value, when it names one ("2023-09-10TAF" → 2023-09-10).
function M.day_of(v)
  return v and v:match('^(%d%d%d%d%-%d%d%-%d%d)') or nil
end

--- Whether two date values name the same date: the same calendar day, or the
--- same month when both are month values. Years alone are too coarse to
--- relate events ("2016" and "2016").
function M.same_date(a, b)
  if not a or not b then
    return false
  end
  local da, db = M.day_of(a), M.day_of(b)
  if da and db then
    return da == db
  end
  if a:match('^%d%d%d%d%-%d%d$') and a == b then
    return true
  end
  return false
end

--- Whether a date value falls within the timex `t` (day precision): the day
--- itself, or a day inside a compressed range.
function M.date_matches_timex(v, t)
  if not v or not t or not t.value then
    return false
  end
  if v == t.value then
    return true
  end
  local d = M.day_of(v)
  if not d then
    return false
  end
  local a = M.day_of(t.value)
  local b = t.end_value and M.day_of(t.end_value)
  if a and b then
    return d >= a and d <= b
  end
  return a == d
end

------------------------------------------------------------------------------
-- events across documents

local function ev_key(item)
  return M.date_key(item.ev.date) or '~'
end

--- Sorts {doc=, ev=} items by date (undated last), then file, then position.
function M.sort_events(items)
  sort(items, function(a, b)
    local ka, kb = ev_key(a), ev_key(b)
    if ka ~= kb then
      return ka < kb
    end
    local na, nb = a.doc.name or '', b.doc.name or ''
    if na ~= nb then
      return na < nb
    end
    local ra, rb = a.ev.row or a.ev.start or 0, b.ev.row or b.ev.start or 0
    if ra ~= rb then
      return ra < rb
    end
    local ca, cb = a.ev.col or 0, b.ev.col or 0
    if ca ~= cb then
      return ca < cb
    end
    -- items of the folder index may have a row but no column yet
    return (a.ev.start or 0) < (b.ev.start or 0)
  end)
  return items
end

--- All events of `docs` as {doc=, ev=} items in date order.
function M.all_events(docs)
  local items = {}
  for _, d in ipairs(docs) do
    for _, ev in ipairs(d.events or {}) do
      items[#items + 1] = { doc = d, ev = ev }
    end
  end
  return M.sort_events(items)
end

--- Display names of entity ids, from the mentions of `docs` (first wins),
--- then `extra` (id → name, e.g. the actors of a folder index's answers),
--- then an optional `kb(id)` lookup.
function M.name_index(docs, kb, extra)
  local names, types = {}, {}
  for _, d in ipairs(docs) do
    for _, e in ipairs(d.entities or {}) do
      if e.id and not names[e.id] then
        names[e.id] = e.name or e.text
        types[e.id] = e.type
      end
    end
  end
  return function(id)
    if names[id] then
      return names[id], types[id]
    end
    if extra and extra[id] then
      local k = kb and kb(id)
      return extra[id], k and k.type or nil
    end
    local k = kb and kb(id)
    if k and k.name then
      return k.name, k.type
    end
    return id, nil
  end
end

--- Events related to `ev` (of `doc`) across `docs`: sharing an actor or the
--- date. Returns items {doc=, ev=, shared = {ids}, same_date = bool} in date
--- order, without `ev` itself.
function M.related(docs, doc, ev)
  local mine = {}
  for _, a in ipairs(ev.actors or {}) do
    mine[a] = true
  end
  local out = {}
  for _, d in ipairs(docs) do
    for _, other in ipairs(d.events or {}) do
      if not (d == doc and other == ev) then
        local shared = {}
        for _, a in ipairs(other.actors or {}) do
          if mine[a] then
            shared[#shared + 1] = a
          end
        end
        local same = M.same_date(ev.date, other.date)
        if #shared > 0 or same then
          out[#out + 1] = { doc = d, ev = other, shared = shared, same_date = same }
        end
      end
    end
  end
  return M.sort_events(out)
end

--- Events whose actors include entity `id`, in date order.
function M.events_of_entity(docs, id)
  local out = {}
  for _, d in ipairs(docs) do
    for _, ev in ipairs(d.events or {}) do
      local hit = ev.place == id
      for _, a in ipairs(ev.actors or {}) do
        if a == id then
          hit = true
          break
        end
      end
      if hit then
        out[#out + 1] = { doc = d, ev = ev }
      end
    end
  end
  return M.sort_events(out)
end

--- Events dated within timex `t`, in date order.
function M.events_on_date(docs, t)
  local out = {}
  for _, d in ipairs(docs) do
    for _, ev in ipairs(d.events or {}) do
      if M.date_matches_timex(ev.date, t) then
        out[#out + 1] = { doc = d, ev = ev }
      end
    end
  end
  return M.sort_events(out)
end

local function actor_names(ev, name_of)
  local out = {}
  for _, a in ipairs(ev.actors or {}) do
    out[#out + 1] = (name_of(a))
  end
  return out
end

--- One line describing an event: "2023-09-10  consult/visit  Joe Biden, Nguyễn Phú Trọng — 抵达".
function M.event_summary(ev, name_of)
  local parts = { ev.date or 'undated', ev.label or ('CAMEO ' .. (ev.type or '?')) }
  local actors = actor_names(ev, name_of)
  local s = parts[1] .. '  ' .. parts[2]
  if #actors > 0 then
    s = s .. '  ' .. concat(actors, ', ')
  end
  if ev.trigger then
    s = s .. ' — ' .. one_line(ev.trigger)
  end
  if ev.status and ev.status ~= 'happened' then
    s = s .. ' [' .. ev.status .. ']'
  end
  return s
end

--- The "why" of a related item: "shares Joe Biden; same date".
function M.related_reason(item, name_of)
  local why = {}
  if item.shared and #item.shared > 0 then
    local n = {}
    for _, a in ipairs(item.shared) do
      n[#n + 1] = (name_of(a))
    end
    why[#why + 1] = 'shares ' .. concat(n, ', ')
  end
  if item.same_date then
    why[#why + 1] = 'same date'
  end
  return concat(why, '; ')
end

local function where(doc, m)
  local name = doc and doc.name or ''
  if m.row then
    return (name ~= '' and (name .. ':') or 'line ') .. (m.row + 1)
  end
  return name
end
M.where = where

------------------------------------------------------------------------------
-- hover cards: each returns { lines = {...}, hl = { {line, col_start, col_end, role} } }
-- with roles "title", "label", "muted", "PERSON"/"GPE"/"LOC"/"ORG", "date", "event".

local Card = {}
Card.__index = Card

local function card()
  return setmetatable({ lines = {}, hl = {} }, Card)
end

function Card:add(text, role)
  text = one_line(text)
  self.lines[#self.lines + 1] = text
  if role then
    self.hl[#self.hl + 1] = { #self.lines - 1, 0, #text, role }
  end
  return self
end

-- "Label: value", the label highlighted.
function Card:field(label, value, role)
  if value == nil or value == '' then
    return self
  end
  local text = label .. ': ' .. one_line(value)
  self.lines[#self.lines + 1] = text
  self.hl[#self.hl + 1] = { #self.lines - 1, 0, #label + 1, 'label' }
  if role then
    self.hl[#self.hl + 1] = { #self.lines - 1, #label + 2, #text, role }
  end
  return self
end

function Card:blank()
  if #self.lines > 0 and self.lines[#self.lines] ~= '' then
    self.lines[#self.lines + 1] = ''
  end
  return self
end

function Card:done()
  while #self.lines > 0 and self.lines[#self.lines] == '' do
    self.lines[#self.lines] = nil
  end
  return { lines = self.lines, hl = self.hl }
end

local TYPE_WORDS = { PERSON = 'person', GPE = 'country, city or region', LOC = 'place', ORG = 'organisation' }
M.TYPE_WORDS = TYPE_WORDS

local function list_events(c, items, name_of, limit, here_doc, total)
  limit = limit or 12
  for i, it in ipairs(items) do
    if i > limit then
      c:add(('  … %d more'):format((total or #items) - limit), 'muted')
      break
    end
    local loc = where(it.doc, it.ev)
    if here_doc and it.doc == here_doc and it.ev.row then
      loc = 'line ' .. (it.ev.row + 1)
    end
    local line = '  ' .. M.event_summary(it.ev, name_of)
    if it.shared or it.same_date then
      local why = M.related_reason(it, name_of)
      if why ~= '' then
        line = line .. '  (' .. why .. ')'
      end
    end
    c:add(line .. '  · ' .. loc)
  end
end

--- Entity card. info = { mention, kb (or nil), here = {mentions in this
--- doc with row}, events = {items}, elsewhere = { {name=, count=, lines=} }
--- (lines: 1-based line numbers, optional), name_of = function(id) }, and
--- optionally events_total / elsewhere_total (when the lists hold only the
--- first of more, as a folder index answers) and note (a last, muted line).
function M.hover_entity(info)
  local m, kb = info.mention, info.kb or {}
  local name_of = info.name_of or function(id)
    return id
  end
  local c = card()
  local ty = kb.type or m.type
  local title = (kb.name or m.name or m.text)
  local sep = '  ·  '
  c:add(title .. sep .. (ty or '?'), 'title')
  c.hl[#c.hl + 1] = { 0, #title + #sep, #c.lines[1], ty }
  if kb.description then
    c:add(kb.description)
  elseif ty then
    c:add(TYPE_WORDS[ty] or ty, 'muted')
  end
  if kb.from or kb.to then
    local span = (kb.from or '?') .. ' – ' .. (kb.to or '')
    c:field('Dates', trim(span))
  end
  c:field('Country', kb.country)
  local langs = kb.names or {}
  local shown = false
  for _, l in ipairs({ { 'zh', '中文' }, { 'vi', 'Tiếng Việt' }, { 'en', 'English' } }) do
    local names = langs[l[1]]
    if names and #names > 0 then
      if not shown then
        c:blank()
        shown = true
      end
      c:field(l[2], concat(names, ', '))
    end
  end
  c:blank()
  c:field('As written', m.text .. (m.source and (' (found by ' .. m.source .. ')') or ''))
  c:field('Id', m.id, 'muted')
  local here = info.here or {}
  if #here > 0 then
    local rows, seen = {}, {}
    for _, h in ipairs(here) do
      if h.row and not seen[h.row] then
        seen[h.row] = true
        rows[#rows + 1] = tostring(h.row + 1)
      end
    end
    local list = concat(rows, ', ', 1, math.min(#rows, 15)) .. (#rows > 15 and ', …' or '')
    c:field('In this buffer', ('%d mention%s, line%s %s'):format(#here, #here == 1 and '' or 's', #rows == 1 and '' or 's', list))
  end
  local events = info.events or {}
  local n_events = math.max(info.events_total or 0, #events)
  c:blank()
  if #events > 0 then
    c:add(('Events (%d)'):format(n_events), 'label')
    list_events(c, events, name_of, 10, info.doc, n_events)
  else
    c:add('Events: none found yet', 'muted')
  end
  local elsewhere = info.elsewhere or {}
  local n_else = math.max(info.elsewhere_total or 0, #elsewhere)
  if #elsewhere > 0 then
    c:blank()
    c:add('Also in', 'label')
    for i, e in ipairs(elsewhere) do
      if i > 8 then
        c:add(('  … %d more'):format(n_else - 8), 'muted')
        break
      end
      local lines = ''
      if e.lines and #e.lines > 0 then
        local shown = {}
        for k = 1, math.min(#e.lines, 8) do
          shown[k] = tostring(e.lines[k])
        end
        lines = (', line%s %s%s'):format(#e.lines == 1 and '' or 's', concat(shown, ', '), #e.lines > 8 and ', …' or '')
      end
      c:add(('  %s (%d mention%s%s)'):format(e.name, e.count, e.count == 1 and '' or 's', lines))
    end
    if #elsewhere <= 8 and n_else > #elsewhere then
      c:add(('  … %d more'):format(n_else - #elsewhere), 'muted')
    end
  end
  if info.note then
    c:blank()
    c:add(info.note, 'muted')
  end
  return c:done()
end

--- Date card. info = { mention (timex), events = {items}, same = {timexes
--- of the same value elsewhere as {doc=, t=}}, doc, name_of, note }.
function M.hover_timex(info)
  local t = info.mention
  local name_of = info.name_of or function(id)
    return id
  end
  local c = card()
  local short = M.date_short(t) or t.value or '?'
  c:add(short .. '  ·  ' .. (t.type or 'DATE'), 'title')
  c:add(M.date_words(t), 'date')
  c:blank()
  c:field('As written', t.text)
  c:field('TIMEX3', t.value .. (t.end_value and (' .. ' .. t.end_value) or '') .. (t.mod and (' (' .. t.mod .. ')') or ''), 'muted')
  if info.doc and info.doc.dct and t.value and (t.value:find('REF') or t.text ~= t.value) then
    c:field('Document date', info.doc.dct .. (info.doc.dct_source and (' (' .. info.doc.dct_source:gsub('_', ' ') .. ')') or ''), 'muted')
  end
  local events = info.events or {}
  c:blank()
  if #events > 0 then
    c:add(('Events on this date (%d)'):format(#events), 'label')
    list_events(c, events, name_of, 10, info.doc)
  else
    c:add('Events on this date: none found', 'muted')
  end
  local same = info.same or {}
  if #same > 0 then
    c:blank()
    c:add('Same date elsewhere', 'label')
    for i, s in ipairs(same) do
      if i > 8 then
        c:add(('  … %d more'):format(#same - 8), 'muted')
        break
      end
      c:add('  ' .. s.t.text .. '  · ' .. where(s.doc, s.t))
    end
  end
  if info.note then
    c:blank()
    c:add(info.note, 'muted')
  end
  return c:done()
end

--- Event card. info = { mention (event), anchor (its timex or nil), doc,
--- related = {items}, name_of, type_of, place_name, indexed (a folder
--- index was asked too), note }.
function M.hover_event(info)
  local ev = info.mention
  local name_of = info.name_of or function(id)
    return id
  end
  local c = card()
  local title = (ev.label or 'event') .. '  ·  CAMEO ' .. (ev.type or '?')
  c:add(title, 'title')
  c:field('Trigger', ev.trigger, 'event')
  local actors = {}
  for i, a in ipairs(ev.actors or {}) do
    local n, ty = name_of(a)
    actors[#actors + 1] = n .. (ty and (' (' .. ty .. ')') or '') .. (i == 1 and #ev.actors > 1 and ' → ' or '')
  end
  local actor_text = concat(actors, ''):gsub(' → $', '')
  if #actors > 2 then
    actor_text = actors[1] .. concat(actors, ', ', 2)
  end
  c:field('Actors', #actors > 0 and actor_text or 'none named')
  if ev.date then
    local words = M.date_words({ value = ev.date })
    c:field('Date', ev.date .. ' — ' .. words, 'date')
    local a = info.anchor
    local src
    if a then
      src = ('from "%s"%s'):format(a.text, a.row and (' on line ' .. (a.row + 1)) or '')
    end
    if ev.date_source then
      src = (src and (src .. ', ') or '') .. ev.date_source:gsub('_', ' ') .. ' date'
    end
    if not src and info.doc and info.doc.dct and M.day_of(ev.date) == info.doc.dct then
      src = 'the document date (' .. (info.doc.dct_source or 'dct') .. ')'
    end
    c:field('Date source', src or 'the text around it')
  else
    c:field('Date', 'none found')
  end
  if ev.place then
    c:field('Place', (name_of(ev.place)))
  end
  c:field('Status', ev.status or 'reported')
  if ev.sentence_text then
    c:blank()
    c:add(M.truncate(one_line(trim(ev.sentence_text)), 160), 'muted')
  end
  local rel = info.related or {}
  c:blank()
  if #rel > 0 then
    c:add(('Related events (%d)'):format(#rel), 'label')
    list_events(c, rel, name_of, 10, info.doc)
  else
    c:add('Related events: none found in the annotated buffers' .. (info.indexed and ' or the folder index' or ''), 'muted')
  end
  if info.note then
    c:blank()
    c:add(info.note, 'muted')
  end
  return c:done()
end

------------------------------------------------------------------------------
-- timeline

--- Timeline lines for items {doc=, ev=} (plus optional {doc=, t=} date
--- items). Returns lines and a parallel list of the item each line shows
--- (nil for headers). `opts.title`, `opts.multi` (show file names).
function M.timeline(items, name_of, opts)
  opts = opts or {}
  local lines, map = {}, {}
  local function add(s, item)
    lines[#lines + 1] = s
    map[#lines] = item or false
  end
  local n_ev = 0
  for _, it in ipairs(items) do
    if it.ev then
      n_ev = n_ev + 1
    end
  end
  add(('%s — %d event%s, in date order'):format(opts.title or 'Chronicle timeline', n_ev, n_ev == 1 and '' or 's'))
  add('')
  if #items == 0 then
    add('No events or dates found. (:Chronicle annotate first?)')
    return lines, map
  end
  local dw = 10
  for _, it in ipairs(items) do
    local v = it.ev and it.ev.date or (it.t and M.date_short(it.t)) or 'undated'
    dw = math.max(dw, #v)
  end
  local lw = 8
  for _, it in ipairs(items) do
    if it.ev then
      lw = math.max(lw, M.width(it.ev.label or ''))
    end
  end
  for _, it in ipairs(items) do
    local loc = opts.multi and where(it.doc, it.ev or it.t) or ('line ' .. ((it.ev or it.t).row or 0) + 1)
    if it.ev then
      local ev = it.ev
      local actors = concat(actor_names(ev, name_of), ', ')
      local s = M.pad(ev.date or 'undated', dw)
        .. '  '
        .. M.pad(ev.label or ('CAMEO ' .. (ev.type or '?')), lw)
        .. '  '
        .. (actors ~= '' and actors or '—')
        .. ' — '
        .. one_line(ev.trigger or '')
        .. (ev.status and ev.status ~= 'happened' and (' [' .. ev.status .. ']') or '')
        .. '  · '
        .. loc
      add(s, it)
    else
      local t = it.t
      add(M.pad(M.date_short(t) or '', dw) .. '  ' .. M.pad('(date)', lw) .. '  ' .. one_line(t.text) .. '  · ' .. loc, it)
    end
  end
  return lines, map
end

--- Date mentions worth a timeline line: DATE/TIME timexes with a sortable
--- value that anchor no event. Items {doc=, t=}.
function M.timeline_dates(docs)
  local out = {}
  for _, d in ipairs(docs) do
    local anchored = {}
    for _, ev in ipairs(d.events or {}) do
      if ev.timex then
        anchored[ev.timex] = true
      end
    end
    for i, t in ipairs(d.timexes or {}) do
      if not anchored[i] and (t.type == 'DATE' or t.type == 'TIME') and M.date_key(t.value) then
        out[#out + 1] = { doc = d, t = t }
      end
    end
  end
  return out
end

--- Events and unanchored dates of `docs` merged in date order.
function M.timeline_items(docs, with_dates)
  local items = M.all_events(docs)
  if with_dates then
    for _, it in ipairs(M.timeline_dates(docs)) do
      items[#items + 1] = it
    end
    local function key(it)
      if it.ev then
        return M.date_key(it.ev.date) or '~'
      end
      return M.date_key(it.t.value) or '~'
    end
    local function pos(it)
      local m = it.ev or it.t
      return m.row or m.start or 0, m.col or 0
    end
    -- stable merge: sort by (date, file, position)
    sort(items, function(a, b)
      local ka, kb = key(a), key(b)
      if ka ~= kb then
        return ka < kb
      end
      local na, nb = a.doc.name or '', b.doc.name or ''
      if na ~= nb then
        return na < nb
      end
      local ra, ca = pos(a)
      local rb, cb = pos(b)
      if ra ~= rb then
        return ra < rb
      end
      return ca < cb
    end)
  end
  return items
end

------------------------------------------------------------------------------
-- the folder index: its answers (the JSON of chr_index_files / _entity /
-- _related / _timeline, decoded by the editor into plain tables, JSON null
-- as nil) turned into the tables above, and the text of its progress, its
-- status and the folder timeline.

M.INDEX_BUSY = { scanning = true, running = true, saving = true }

--- `path` relative to the folder `root` ("sub/a.md"), else `path` itself.
function M.relative(path, root)
  if root and root ~= '' and path:sub(1, #root + 1) == root .. '/' then
    return path:sub(#root + 2)
  end
  return path
end

--- The doc of an indexed file: { name = path relative to `root`, path,
--- indexed = true } (no mentions: the index answers for it). `cache`
--- (optional, path → doc) shares one doc per file.
function M.index_doc(path, root, cache)
  local d = cache and cache[path]
  if not d then
    d = { name = M.relative(path, root), path = path, indexed = true, entities = {}, timexes = {}, events = {} }
    if cache then
      cache[path] = d
    end
  end
  return d
end

--- An event of an index answer ({path, line (1-based), start, end, trigger,
--- type, label, date, status, actors = {{id, name}}}) as an event table
--- (row from the line; col unknown until the editor reads the file). The
--- actors' names go into `names` (id → name) when given.
function M.index_event(j, names)
  local actors = {}
  for _, a in ipairs(j.actors or {}) do
    if type(a) == 'table' and a.id then
      actors[#actors + 1] = a.id
      if names and a.name and not names[a.id] then
        names[a.id] = a.name
      end
    elseif type(a) == 'string' then
      actors[#actors + 1] = a
    end
  end
  return {
    kind = 'event',
    start = j.start,
    stop = j['end'],
    trigger = j.trigger,
    type = j.type,
    label = j.label,
    date = j.date,
    status = j.status,
    actors = actors,
    row = j.row or (j.line and (j.line - 1)) or nil,
    col = j.col,
    end_row = j.end_row,
    end_col = j.end_col,
    indexed = true,
  }
end

--- How event `other` relates to event `ev`: the actor ids they share and
--- whether they name the same date (M.same_date).
function M.relation(ev, other)
  local mine = {}
  for _, a in ipairs(ev.actors or {}) do
    mine[a] = true
  end
  local shared = {}
  for _, a in ipairs(other.actors or {}) do
    if mine[a] then
      shared[#shared + 1] = a
    end
  end
  return shared, M.same_date(ev.date, other.date)
end

--- Items {doc=, ev=, shared=, same_date=} from the `related` list of a
--- chr_index_related answer, judged against `ev` (the event under the
--- cursor) the way M.related judges open buffers: kept when they share an
--- actor or the date. `root` shortens file names; `names` collects actor
--- names; `cache` shares docs.
function M.index_related(ev, list, root, names, cache)
  local out = {}
  for _, j in ipairs(list or {}) do
    local other = M.index_event(j, names)
    local shared, same = M.relation(ev, other)
    if #shared > 0 or same then
      out[#out + 1] = { doc = M.index_doc(j.path, root, cache), ev = other, shared = shared, same_date = same }
    end
  end
  return out
end

--- Items {doc=, ev=} of a list of index events (chr_index_entity's `events`).
function M.index_items(list, root, names, cache)
  local out = {}
  for _, j in ipairs(list or {}) do
    out[#out + 1] = { doc = M.index_doc(j.path, root, cache), ev = M.index_event(j, names) }
  end
  return out
end

--- Items {doc=, ev=} for the sources of chr_index_timeline entries: one per
--- source (start/end bytes, no row until the editor reads the file).
function M.index_source_items(entries, root, names, cache)
  local out = {}
  for _, e in ipairs(entries or {}) do
    local actors = {}
    for _, a in ipairs(e.actors or {}) do
      if a.id then
        actors[#actors + 1] = a.id
        if names and a.name and not names[a.id] then
          names[a.id] = a.name
        end
      end
    end
    for _, s in ipairs(e.sources or {}) do
      out[#out + 1] = {
        doc = M.index_doc(s.doc, root, cache),
        ev = {
          kind = 'event',
          start = s.start,
          stop = s['end'],
          trigger = s.trigger,
          type = e.type,
          label = e.label,
          date = e.date,
          status = s.status,
          actors = actors,
          row = s.row,
          col = s.col,
          end_row = s.end_row,
          end_col = s.end_col,
          indexed = true,
        },
      }
    end
  end
  return out
end

--- Merges `extra` (items from the index) into `items` (from open buffers)
--- and returns `items` in date order. An index item is left out when its
--- file is in `skip` (path → true: files open in annotated buffers, whose
--- live text wins) or when an item of the same file and start is already in.
function M.merge_items(items, extra, skip)
  local seen = {}
  for _, it in ipairs(items) do
    if it.doc.path and it.ev.start then
      seen[it.doc.path .. '\0' .. it.ev.start] = true
    end
  end
  for _, it in ipairs(extra or {}) do
    local p = it.doc.path
    local key = (p or '') .. '\0' .. tostring(it.ev.start)
    if not (p and skip and skip[p]) and not seen[key] then
      seen[key] = true
      items[#items + 1] = it
    end
  end
  return M.sort_events(items)
end

--- "Also in" entries of an entity from a chr_index_entity answer:
--- { {name, path, count, lines = {1-based, distinct}} }, files in `skip`
--- (path → true) left out, most mentions first.
function M.index_mentions(answer, root, skip)
  local out = {}
  for _, f in ipairs(answer and answer.files or {}) do
    if not (skip and skip[f.path]) then
      local lines, seen = {}, {}
      for _, m in ipairs(f.mentions or {}) do
        if m.line and not seen[m.line] then
          seen[m.line] = true
          lines[#lines + 1] = m.line
        end
      end
      sort(lines)
      out[#out + 1] = { name = M.relative(f.path, root), path = f.path, count = #(f.mentions or {}), lines = lines }
    end
  end
  sort(out, function(a, b)
    if a.count ~= b.count then
      return a.count > b.count
    end
    return a.name < b.name
  end)
  return out
end

local function count_word(n, one, many)
  return ('%d %s'):format(n, n == 1 and one or (many or (one .. 's')))
end

-- files a pass has dealt with: annotated, reused, skipped or failed
local function handled(p)
  return (p.files_done or 0) + (p.files_skipped or 0) + (p.files_failed or 0)
end

-- files the index holds (not skipped): counted from chr_index_files when
-- the editor has it (`p.files`), else the pass's counter
local function held(p)
  return p.files or p.files_done or 0
end

--- The progress of one index as a message: "chronicle: indexing 1234/10000
--- files — articles". `p` is the library's progress (state as a name), plus
--- `files` (what the index holds) when known.
function M.index_progress_text(p, name)
  local where = name and (' — ' .. name) or ''
  local s = p.state
  if s == 'opening' then
    return ('chronicle: opening the index%s…'):format(where)
  elseif s == 'scanning' then
    return ('chronicle: indexing, %s found so far%s'):format(count_word(p.files_total or 0, 'file'), where)
  elseif M.INDEX_BUSY[s] then
    return ('chronicle: indexing %d/%d files%s'):format(handled(p), p.files_total or 0, where)
  elseif s == 'ready' or s == 'watching' then
    return ('chronicle: indexed %s%s'):format(count_word(held(p), 'file'), where)
  elseif s == 'cancelled' then
    return ('chronicle: indexing cancelled at %d/%d files%s'):format(handled(p), p.files_total or 0, where)
  elseif s == 'failed' then
    return ('chronicle: indexing failed%s%s'):format(where, (p.message or '') ~= '' and (': ' .. p.message) or '')
  end
  return ('chronicle: index not started%s'):format(where)
end

--- The message at the end of a first pass: "chronicle: indexed ~/news: 5
--- files (3 unchanged), 2 skipped, in 0.4 s; watching for changes". `p` as
--- for index_progress_text, `p.skipped` (files listed as skipped) optional.
function M.index_done_text(p, name, ms)
  local parts = { count_word(held(p), 'file') }
  if (p.files_reused or 0) > 0 then
    parts[1] = parts[1] .. (' (%d unchanged)'):format(p.files_reused)
  end
  local skipped = p.skipped or p.files_skipped or 0
  if skipped > 0 then
    parts[#parts + 1] = ('%d skipped'):format(skipped)
  end
  if (p.files_failed or 0) > 0 then
    parts[#parts + 1] = ('%d failed'):format(p.files_failed)
  end
  local s = ('chronicle: indexed %s: %s'):format(name or 'folder', concat(parts, ', '))
  if ms then
    s = s .. (ms >= 1000 and (', in %.1f s'):format(ms / 1000) or (', in %d ms'):format(floor(ms + 0.5)))
  end
  if p.state == 'watching' then
    s = s .. '; watching for changes'
  end
  return s
end

--- The message for skipped files: `list` of chr_index_files entries (path,
--- skipped = the reason), at most `limit` (default 5) named.
function M.index_skipped_text(list, root, name, limit)
  limit = limit or 5
  local out = { ('chronicle: %s skipped in %s:'):format(count_word(#list, 'file'), name or root or 'the folder') }
  for i, f in ipairs(list) do
    if i > limit then
      out[#out + 1] = ('  … and %d more (:Chronicle status lists them)'):format(#list - limit)
      break
    end
    out[#out + 1] = ('  %s — %s'):format(M.relative(f.path, root), f.skipped or 'skipped')
  end
  return concat(out, '\n')
end

--- The statusline text of the open indexes (`list` of progress tables):
--- "chronicle 1234/10000" while a pass runs, "chronicle 5 files" after,
--- "" when there is none.
function M.index_statusline(list)
  if not list or #list == 0 then
    return ''
  end
  local busy, done, total, files, failed, cancelled, opening = false, 0, 0, 0, false, false, false
  for _, p in ipairs(list) do
    if p.state == 'opening' then
      opening = true
    elseif M.INDEX_BUSY[p.state] then
      busy = true
      done = done + handled(p)
      total = total + (p.files_total or 0)
    elseif p.state == 'failed' then
      failed = true
    elseif p.state == 'cancelled' then
      cancelled = true
    end
    files = files + held(p)
  end
  if busy then
    return ('chronicle %d/%d'):format(done, total)
  elseif opening then
    return 'chronicle opening…'
  end
  local s = 'chronicle ' .. count_word(files, 'file')
  if failed then
    s = s .. ' (index failed)'
  elseif cancelled then
    s = s .. ' (cancelled)'
  end
  return s
end

--- Where a folder-timeline source is: "call.zh.txt:3", or with its byte
--- offset when the line is not known.
local function source_where(s)
  local name = s.name or s.doc or '?'
  if s.row then
    return name .. ':' .. (s.row + 1)
  end
  return ('%s (byte %d)'):format(name, s.start or 0)
end
M.source_where = source_where

--- Lines for the timeline of an indexed folder: `entries` as
--- chr_index_timeline gives them ({date, type, label, actors = {{id, name}},
--- sources = {{doc, start, end, trigger, status}}}), each source given
--- `name` (a short file name) and `row` (0-based, optional) by the editor.
--- An event told once is one line; an event several articles (or
--- languages) tell is a line saying how many, then one line per source.
--- Returns lines and a parallel map: { entry =, source = } per line, false
--- for headers. `opts.title`, `opts.note` (a line under the title).
function M.folder_timeline(entries, opts)
  opts = opts or {}
  local lines, map = {}, {}
  local function add(s, item)
    lines[#lines + 1] = s
    map[#lines] = item or false
  end
  local n_src = 0
  for _, e in ipairs(entries) do
    n_src = n_src + #(e.sources or {})
  end
  add(('%s — %s (%s), in date order'):format(
    opts.title or 'Chronicle timeline — folder',
    count_word(#entries, 'event'),
    count_word(n_src, 'report')
  ))
  if opts.note then
    add(opts.note)
  end
  add('')
  if #entries == 0 then
    add('No dated events in the index yet.')
    return lines, map
  end
  local dw, lw = 10, 8
  for _, e in ipairs(entries) do
    dw = math.max(dw, #(e.date or 'undated'))
    lw = math.max(lw, M.width(e.label or ''))
  end
  local indent = string.rep(' ', dw + 2)
  for _, e in ipairs(entries) do
    local names = {}
    for _, a in ipairs(e.actors or {}) do
      names[#names + 1] = a.name or a.id
    end
    local actors = #names > 0 and concat(names, ', ') or '—'
    local head = M.pad(e.date or 'undated', dw) .. '  ' .. M.pad(e.label or ('CAMEO ' .. (e.type or '?')), lw) .. '  ' .. actors
    local srcs = e.sources or {}
    local function status(s)
      return (s.status and s.status ~= 'happened') and (' [' .. s.status .. ']') or ''
    end
    if #srcs <= 1 then
      local s = srcs[1] or {}
      add(head .. ' — ' .. one_line(s.trigger or '') .. status(s) .. '  · ' .. source_where(s), { entry = e, source = srcs[1] })
    else
      add(head .. (' — %d reports'):format(#srcs), { entry = e, source = srcs[1] })
      for _, s in ipairs(srcs) do
        add(indent .. '· ' .. source_where(s) .. '  ' .. one_line(s.trigger or '') .. status(s), { entry = e, source = s })
      end
    end
  end
  return lines, map
end

--- Sorts timeline entries of several indexes by date (undated last).
function M.sort_entries(entries)
  sort(entries, function(a, b)
    local ka, kb = M.date_key(a.date) or '~', M.date_key(b.date) or '~'
    if ka ~= kb then
      return ka < kb
    end
    local sa, sb = (a.sources or {})[1] or {}, (b.sources or {})[1] or {}
    if (sa.doc or '') ~= (sb.doc or '') then
      return (sa.doc or '') < (sb.doc or '')
    end
    return (sa.start or 0) < (sb.start or 0)
  end)
  return entries
end

------------------------------------------------------------------------------
-- trimming the index's answers. The library answers everything: an entity
-- named in 10,000 files is a 60 MB answer, the timeline of such a folder
-- 40 MB. An editor shows the first few of it. These read the JSON text
-- without decoding it (pure string scanning, so they run in a worker
-- thread, where no JSON decoder exists) and write a small answer of the
-- same shape, with the counts of what was left out and, when a `locate`
-- function is given, each kept event's row and column in its file.

-- the index of the last byte of the JSON value starting at byte p
local function value_end(s, p)
  local c = s:byte(p)
  if c == 34 then -- a string
    local q = p + 1
    while true do
      local k = s:find('["\\]', q)
      if not k then
        return #s
      end
      if s:byte(k) == 92 then
        q = k + 2
      else
        return k
      end
    end
  elseif c == 123 or c == 91 then -- an object or an array
    local depth, q = 0, p
    while true do
      local k = s:find('[%[%]{}"]', q)
      if not k then
        return #s
      end
      local b = s:byte(k)
      if b == 34 then
        k = value_end(s, k)
      elseif b == 123 or b == 91 then
        depth = depth + 1
      else
        depth = depth - 1
        if depth == 0 then
          return k
        end
      end
      q = k + 1
    end
  end
  local k = s:find('[,%]}]', p)
  return (k or #s + 1) - 1
end

--- The items of the first array under `"key":` in JSON text `s`, as
--- { {first byte, last byte}, ... }, and the array's own span (the bytes of
--- `[` and `]`), or an empty list.
function M.json_items(s, key, from)
  local a = s:find('"' .. key .. '":[', from or 1, true)
  if not a then
    return {}
  end
  local open = a + #key + 3
  local p = open + 1
  local out = {}
  while p <= #s do
    local c = s:byte(p)
    if c == 93 then
      break
    elseif c == 44 or c == 32 or c == 10 or c == 13 or c == 9 then
      p = p + 1
    else
      local e = value_end(s, p)
      out[#out + 1] = { p, e }
      p = e + 1
    end
  end
  return out, open, p
end

-- the JSON value under `"key":` (its text), or "null"
local function json_field(s, key)
  local a = s:find('"' .. key .. '":', 1, true)
  if not a then
    return 'null'
  end
  local p = a + #key + 3
  return s:sub(p, value_end(s, p))
end

local function unescape(str)
  return (str:gsub('\\(.)', '%1'))
end

--- A function(path, start, stop) → row, col, end_row, end_col (0-based,
--- bytes) that reads each file once with `read(path)` (→ text or nil), at
--- most `budget` bytes in all; nil for files it did not read.
function M.file_locator(read, budget)
  local cache = {}
  budget = budget or math.huge
  return function(path, a, b)
    local starts = cache[path]
    if starts == nil then
      starts = false
      if budget > 0 then
        local text = read(path)
        if text then
          budget = budget - #text
          starts = M.text_line_starts(text)
        end
      end
      cache[path] = starts
    end
    if not starts then
      return nil
    end
    local r, c = M.locate(starts, a)
    local r2, c2 = M.locate(starts, b or a, r)
    return r, c, r2, c2
  end
end

-- an event object with its position prepended ({"row":…,"col":…, …})
local function with_pos(sub, locate, path, a, b)
  if not (locate and path and a) then
    return sub
  end
  local r, c, r2, c2 = locate(path, a, b)
  if not r then
    return sub
  end
  return ('{"row":%d,"col":%d,"end_row":%d,"end_col":%d,'):format(r, c, r2, c2) .. sub:sub(2)
end

-- the index events of `s` under `key`, files in `skip` left out, in date
-- order (then file, then offset): { {sub, key, path, start, stop} }
local function events_of(s, key, skip)
  local out = {}
  local spans = M.json_items(s, key)
  for _, span in ipairs(spans) do
    local sub = s:sub(span[1], span[2])
    local path, start, stop = sub:match('^{"path":"(.-)","line":%d+,"start":(%d+),"end":(%d+)')
    path = path and unescape(path)
    if not (path and skip and skip[path]) then
      local date = sub:match('"date":"([^"]*)"')
      out[#out + 1] = { sub, M.date_key(date) or '~', path or '', tonumber(start) or 0, tonumber(stop) }
    end
  end
  sort(out, function(x, y)
    if x[2] ~= y[2] then
      return x[2] < y[2]
    end
    if x[3] ~= y[3] then
      return x[3] < y[3]
    end
    return x[4] < y[4]
  end)
  return out, #spans
end

local function kept_events(list, max, locate)
  local out = {}
  for i = 1, math.min(#list, max or #list) do
    local e = list[i]
    out[i] = with_pos(e[1], locate, e[3], e[4], e[5])
  end
  return concat(out, ',')
end

--- A chr_index_entity answer trimmed: the entity, the `max_files` files
--- with the most mentions and the first `max_events` events by date (files
--- in `opts.skip` — path → true — left out of both), with `files_total`
--- and `events_total`; events positioned by `opts.locate` when given.
function M.trim_entity_answer(s, opts)
  opts = opts or {}
  local skip = opts.skip
  local files = {}
  for _, span in ipairs(M.json_items(s, 'files')) do
    local sub = s:sub(span[1], span[2])
    local path = sub:match('^{"path":"(.-)","count":') or sub:match('^{"path":"(.-)","mentions"')
    path = path and unescape(path)
    if not (path and skip and skip[path]) then
      local _, n = sub:gsub('"line":', '')
      files[#files + 1] = { sub, n, path or '' }
    end
  end
  sort(files, function(x, y)
    if x[2] ~= y[2] then
      return x[2] > y[2]
    end
    return x[3] < y[3]
  end)
  local kept = {}
  for i = 1, math.min(#files, opts.max_files or #files) do
    kept[i] = files[i][1]
  end
  local events, n_ev = events_of(s, 'events', skip)
  -- the library's totals count past its limit; less what was left out here
  local ft = tonumber(s:match('"files_total":(%d+)'))
  local et = tonumber(s:match('"events_total":(%d+)'))
  return ('{"entity":%s,"files_total":%d,"files":[%s],"events_total":%d,"events":[%s]}'):format(
    json_field(s, 'entity'),
    ft and ft - (#M.json_items(s, 'files') - #files) or #files,
    concat(kept, ','),
    et and et - (n_ev - #events) or #events,
    kept_events(events, opts.max_events, opts.locate)
  )
end

--- A chr_index_related answer trimmed the same way: its `related` events,
--- files in `opts.skip` left out, positioned by `opts.locate`.
function M.trim_related_answer(s, opts)
  opts = opts or {}
  local events, n_ev = events_of(s, 'related', opts.skip)
  local total = tonumber(s:match('"total":(%d+)'))
  return ('{"event":%s,"related_total":%d,"related":[%s]}'):format(
    json_field(s, 'event'),
    total and total - (n_ev - #events) or #events,
    kept_events(events, opts.max_events, opts.locate)
  )
end

--- A chr_index_timeline answer trimmed to its first `max_events` entries
--- (already in date order), with `events_total` and `sources_total`, each
--- kept source positioned by `opts.locate`.
function M.trim_timeline_answer(s, opts)
  opts = opts or {}
  local entries = M.json_items(s, 'events')
  local n_src, p = 0, 1
  while true do
    local k = s:find('"doc":', p, true)
    if not k then
      break
    end
    n_src = n_src + 1
    p = k + 6
  end
  local kept = {}
  for i = 1, math.min(#entries, opts.max_events or #entries) do
    local sub = s:sub(entries[i][1], entries[i][2])
    if opts.locate then
      local srcs, open, close = M.json_items(sub, 'sources')
      if #srcs > 0 then
        local out = {}
        for k2, span in ipairs(srcs) do
          local src = sub:sub(span[1], span[2])
          local path, a, b = src:match('^{"doc":"(.-)","start":(%d+),"end":(%d+)')
          out[k2] = with_pos(src, opts.locate, path and unescape(path), tonumber(a), tonumber(b))
        end
        sub = sub:sub(1, open) .. concat(out, ',') .. sub:sub(close)
      end
    end
    kept[i] = sub
  end
  -- the library says how many entries there are past its limit
  local total = tonumber(s:match('^{"total":(%d+)'))
  return ('{"events_total":%d,"sources_total":%d,"events":[%s]}'):format(total or #entries, n_src, concat(kept, ','))
end

------------------------------------------------------------------------------
-- JSON (encoder only; deterministic key order)

local null = setmetatable({}, {
  __tostring = function()
    return 'null'
  end,
})
M.null = null
local ARRAY = { __jsontype = 'array' }
local OBJECT = { __jsontype = 'object' }

--- Marks a table as a JSON array (so an empty one prints [] not {}).
function M.array(t)
  return setmetatable(t or {}, ARRAY)
end

--- A JSON object with keys in the given order: M.object{ {"k", v}, ... }.
function M.object(pairs_list)
  local t = setmetatable({ __order = {} }, OBJECT)
  for _, kv in ipairs(pairs_list) do
    if kv[2] ~= nil then
      t.__order[#t.__order + 1] = kv[1]
      t[kv[1]] = kv[2]
    end
  end
  return t
end

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or ('\\u%04x'):format(c:byte())
  end) .. '"'
end

local function encode(v, indent, depth, out)
  local t = type(v)
  if v == null or v == nil then
    out[#out + 1] = 'null'
  elseif t == 'boolean' then
    out[#out + 1] = tostring(v)
  elseif t == 'number' then
    if v ~= v or v == math.huge or v == -math.huge then
      out[#out + 1] = 'null'
    elseif v == floor(v) and math.abs(v) < 2 ^ 53 then
      out[#out + 1] = ('%d'):format(v)
    else
      out[#out + 1] = ('%.17g'):format(v)
    end
  elseif t == 'string' then
    out[#out + 1] = json_string(v)
  elseif t == 'table' then
    local mt = getmetatable(v)
    local nl = indent and ('\n' .. string.rep(indent, depth + 1)) or ''
    local close = indent and ('\n' .. string.rep(indent, depth)) or ''
    local sep = indent and ': ' or ':'
    if mt == OBJECT or (mt ~= ARRAY and next(v) ~= nil and v[1] == nil) then
      local keys = v.__order
      if not keys then
        keys = {}
        for k in pairs(v) do
          keys[#keys + 1] = tostring(k)
        end
        sort(keys)
      end
      if #keys == 0 then
        out[#out + 1] = '{}'
        return
      end
      out[#out + 1] = '{'
      for i, k in ipairs(keys) do
        out[#out + 1] = (i > 1 and ',' or '') .. nl .. json_string(k) .. sep
        encode(v[k], indent, depth + 1, out)
      end
      out[#out + 1] = close .. '}'
    else
      if #v == 0 then
        out[#out + 1] = '[]'
        return
      end
      out[#out + 1] = '['
      for i = 1, #v do
        out[#out + 1] = (i > 1 and ',' or '') .. nl
        encode(v[i], indent, depth + 1, out)
      end
      out[#out + 1] = close .. ']'
    end
  else
    error('chronicle.core.json: cannot encode a ' .. t)
  end
end

--- JSON text of `v`; `indent` (e.g. "  ") pretty-prints.
function M.json(v, indent)
  local out = {}
  encode(v, indent, 0, out)
  return concat(out)
end

------------------------------------------------------------------------------
-- exports. meta = { path, name, now = "2024-05-01T10:00:00Z", generator,
-- text = the annotated text (for line refs, sentences and W3C selectors) }

local function opt(v)
  if v == nil then
    return null
  end
  return v
end

local function hash_hex(s)
  -- two 32-bit polynomial hashes in plain arithmetic (Lua 5.1 has no bit ops)
  local h1, h2 = 5381, 52711
  for i = 1, #s do
    local b = s:byte(i)
    h1 = (h1 * 33 + b) % 4294967296
    h2 = (h2 * 31 + b * 7) % 4294967296
  end
  return ('%08x%08x'):format(h1, h2)
end
M.hash_hex = hash_hex

local function sentence_of(text, ev)
  if not text or not ev.sentence or not ev.sentence[1] then
    return nil
  end
  local s, e = ev.sentence[1], ev.sentence[2]
  if not s or not e or e <= s then
    return nil
  end
  return trim(one_line(text:sub(s + 1, e)))
end
M.sentence_of = sentence_of

local function ensure_positions(doc, text)
  local needs = false
  for _, list in ipairs({ doc.entities or {}, doc.timexes or {}, doc.events or {} }) do
    if list[1] and list[1].row == nil then
      needs = true
    end
  end
  if needs and text then
    M.add_positions(doc, M.text_line_starts(text))
  end
end

--- JSON: the SPEC §3 object, plus "file" (path, name, bytes, lines, exported,
--- generator). Offsets are bytes into the text, as the library gives them.
function M.export_json(doc, meta)
  meta = meta or {}
  local ents, txs, evs = M.array(), M.array(), M.array()
  for _, e in ipairs(doc.entities or {}) do
    ents[#ents + 1] = M.object({
      { 'start', e.start },
      { 'end', e.stop },
      { 'text', e.text },
      { 'type', e.type },
      { 'id', opt(e.id) },
      { 'name', opt(e.name) },
      { 'source', opt(e.source) },
    })
  end
  for _, t in ipairs(doc.timexes or {}) do
    txs[#txs + 1] = M.object({
      { 'start', t.start },
      { 'end', t.stop },
      { 'text', t.text },
      { 'type', t.type },
      { 'value', opt(t.value) },
      { 'mod', opt(t.mod) },
      { 'end_value', opt(t.end_value) },
    })
  end
  for _, ev in ipairs(doc.events or {}) do
    evs[#evs + 1] = M.object({
      { 'start', ev.start },
      { 'end', ev.stop },
      { 'trigger', ev.trigger },
      { 'type', ev.type },
      { 'label', opt(ev.label) },
      { 'date', opt(ev.date) },
      { 'timex', ev.timex and (ev.timex - 1) or null },
      { 'actors', M.array(ev.actors or {}) },
      { 'place', opt(ev.place) },
      { 'status', ev.status },
      { 'date_source', ev.date_source },
      { 'sentence', ev.sentence and M.array({ ev.sentence[1], ev.sentence[2] }) or null },
    })
  end
  local text = meta.text
  local file = M.object({
    { 'path', meta.path or doc.path },
    { 'name', meta.name or doc.name },
    { 'bytes', text and #text or nil },
    { 'lines', text and select(2, text:gsub('\n', '')) + ((text ~= '' and text:sub(-1) ~= '\n') and 1 or 0) or nil },
    { 'exported', meta.now },
    { 'generator', meta.generator or 'chronicle' },
  })
  local obj = M.object({
    { 'version', M.VERSION },
    { 'lang', opt(doc.lang) },
    { 'dct', opt(doc.dct) },
    { 'dct_source', opt(doc.dct_source) },
    { 'entities', ents },
    { 'timexes', txs },
    { 'events', evs },
    { 'file', file },
  })
  return M.json(obj, '  ') .. '\n'
end

local function csv_field(s)
  s = s == nil and '' or tostring(s)
  if s:find('[,"\r\n]') then
    return '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

M.CSV_COLUMNS = {
  'date',
  'date_end',
  'date_words',
  'type',
  'label',
  'trigger',
  'status',
  'actors',
  'actor_ids',
  'place',
  'file',
  'line',
  'column',
  'start',
  'end',
  'sentence',
}

--- CSV (RFC 4180, CRLF): a header and one row per event, in date order.
function M.export_csv(doc, meta, name_of)
  meta = meta or {}
  ensure_positions(doc, meta.text)
  name_of = name_of or M.name_index({ doc })
  local rows = { concat(M.CSV_COLUMNS, ',') }
  for _, it in ipairs(M.all_events({ doc })) do
    local ev = it.ev
    local anchor = ev.timex and doc.timexes and doc.timexes[ev.timex]
    local names = actor_names(ev, name_of)
    local fields = {
      ev.date or '',
      anchor and anchor.end_value or '',
      ev.date and M.date_words({ value = ev.date }) or '',
      ev.type,
      ev.label,
      ev.trigger,
      ev.status or '',
      concat(names, '; '),
      concat(ev.actors or {}, '; '),
      ev.place and (name_of(ev.place)) or '',
      meta.name or doc.name or '',
      ev.row and (ev.row + 1) or '',
      -- 1-based character column, as editors and spreadsheets count
      ev.row and meta.text and (M.char_count(meta.text:sub(1, ev.start)) - M.char_count(meta.text:sub(1, ev.start - ev.col)) + 1)
        or '',
      ev.start,
      ev.stop,
      sentence_of(meta.text, ev) or '',
    }
    for i = 1, #fields do
      fields[i] = csv_field(fields[i])
    end
    rows[#rows + 1] = concat(fields, ',')
  end
  return concat(rows, '\r\n') .. '\r\n'
end

local function ics_escape(s)
  return (s:gsub('\\', '\\\\'):gsub(';', '\\;'):gsub(',', '\\,'):gsub('\r?\n', '\\n'))
end

-- RFC 5545 folds lines longer than 75 octets; never inside a UTF-8 sequence.
local function ics_fold(line)
  if #line <= 75 then
    return line
  end
  local parts, i, limit = {}, 1, 75
  while i <= #line do
    local j = math.min(#line, i + limit - 1)
    if j < #line then
      while j > i and line:byte(j + 1) >= 0x80 and line:byte(j + 1) < 0xC0 do
        j = j - 1
      end
    end
    parts[#parts + 1] = (#parts > 0 and ' ' or '') .. line:sub(i, j)
    i = j + 1
    limit = 74 -- continuation lines start with a space
  end
  return concat(parts, '\r\n')
end

local function ymd_add_month(y, m, n)
  m = m + n
  while m > 12 do
    m = m - 12
    y = y + 1
  end
  return y, m
end

local function next_day(y, m, d)
  d = d + 1
  if not valid_day(y, m, d) then
    d = 1
    y, m = ymd_add_month(y, m, 1)
  end
  return y, m, d
end

--- The calendar span of a value for iCalendar: start and end (exclusive)
--- as YYYYMMDD, or a date-time start; nil when it names no calendar span
--- (unknown year, PAST_REF, durations).
function M.ics_span(v, end_value)
  if not v then
    return nil
  end
  local y, mo, d, rest = v:match('^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$')
  if y then
    y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
    if not valid_day(y, mo, d) then
      return nil
    end
    local hh, mm = rest:match('^T(%d%d):(%d%d)')
    if hh then
      return { datetime = ('%04d%02d%02dT%s%s00'):format(y, mo, d, hh, mm) }
    end
    local ey, em, ed = next_day(y, mo, d)
    local e2y, e2m, e2d = (end_value or ''):match('^(%d%d%d%d)%-(%d%d)%-(%d%d)')
    if e2y and valid_day(tonumber(e2y), tonumber(e2m), tonumber(e2d)) then
      ey, em, ed = next_day(tonumber(e2y), tonumber(e2m), tonumber(e2d))
    end
    return { start = ('%04d%02d%02d'):format(y, mo, d), stop = ('%04d%02d%02d'):format(ey, em, ed) }
  end
  local key = M.date_key(v)
  if not key then
    return nil
  end
  local ky, km = key:match('^(%d%d%d%d)%-?(%d*)')
  ky = tonumber(ky)
  if not ky then
    return nil
  end
  km = tonumber(km) or 1
  local months = 12
  if v:match('^%d%d%d%d%-%d%d$') then
    months = 1
  elseif v:match('%-Q%d$') or v:match('%-%a%a$') then
    months = 3
  elseif v:match('%-H%d$') then
    months = 6
  elseif v:match('%-W%d%d') then
    months = 1
  elseif v:match('^%d%d%d$') then
    months = 120
  elseif v:match('^%d%d$') then
    months = 1200
  end
  local ey, em = ymd_add_month(ky, km, months)
  return { start = ('%04d%02d01'):format(ky, km), stop = ('%04d%02d01'):format(ey, em) }
end

--- iCalendar: one VEVENT per event whose date names a calendar span.
--- Returns the text and the number of events left out (undated or vague).
function M.export_ics(doc, meta, name_of)
  meta = meta or {}
  ensure_positions(doc, meta.text)
  name_of = name_of or M.name_index({ doc })
  local stamp = (meta.now or '1970-01-01T00:00:00Z'):gsub('[-:]', ''):gsub('%.%d+', '')
  local out = {
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//chronicle//' .. tostring(meta.generator or 'chronicle') .. '//EN',
    'CALSCALE:GREGORIAN',
    ics_fold('X-WR-CALNAME:' .. ics_escape('chronicle: ' .. (meta.name or doc.name or 'document'))),
  }
  local skipped = 0
  for _, it in ipairs(M.all_events({ doc })) do
    local ev = it.ev
    local anchor = ev.timex and doc.timexes and doc.timexes[ev.timex]
    local span = M.ics_span(ev.date, anchor and anchor.end_value)
    if not span then
      skipped = skipped + 1
    else
      local names = actor_names(ev, name_of)
      local summary = (ev.label or ('CAMEO ' .. (ev.type or '?')))
        .. (#names > 0 and (': ' .. concat(names, ', ')) or '')
      local desc = {}
      desc[#desc + 1] = 'Trigger: ' .. (ev.trigger or '')
      desc[#desc + 1] = 'Date: ' .. ev.date .. ' (' .. M.date_words({ value = ev.date }) .. ')'
      if ev.status then
        desc[#desc + 1] = 'Status: ' .. ev.status
      end
      local s = sentence_of(meta.text, ev)
      if s then
        desc[#desc + 1] = s
      end
      desc[#desc + 1] = 'Source: ' .. (meta.name or doc.name or '') .. (ev.row and (':' .. (ev.row + 1)) or '')
      out[#out + 1] = 'BEGIN:VEVENT'
      out[#out + 1] = 'UID:' .. hash_hex((meta.path or doc.path or doc.name or '') .. '#' .. ev.start .. '#' .. (ev.trigger or '')) .. '@chronicle'
      out[#out + 1] = 'DTSTAMP:' .. stamp
      if span.datetime then
        out[#out + 1] = 'DTSTART:' .. span.datetime
      else
        out[#out + 1] = 'DTSTART;VALUE=DATE:' .. span.start
        out[#out + 1] = 'DTEND;VALUE=DATE:' .. span.stop
      end
      out[#out + 1] = ics_fold('SUMMARY:' .. ics_escape(summary))
      out[#out + 1] = ics_fold('DESCRIPTION:' .. ics_escape(concat(desc, '\n')))
      if ev.place then
        out[#out + 1] = ics_fold('LOCATION:' .. ics_escape((name_of(ev.place))))
      end
      out[#out + 1] = 'CATEGORIES:' .. ics_escape('CAMEO ' .. (ev.type or '?'))
      out[#out + 1] = 'END:VEVENT'
    end
  end
  out[#out + 1] = 'END:VCALENDAR'
  return concat(out, '\r\n') .. '\r\n', skipped
end

local function wiki_name(s)
  -- characters that break [[links]] in notes vaults
  return (s:gsub('[%[%]|#%^]', ' '):gsub('%s+', ' '))
end
M.wiki_name = wiki_name

local function md_cell(s)
  return (one_line(s or ''):gsub('|', '\\|'))
end

local function yaml_str(s)
  return '"' .. tostring(s):gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

--- Markdown for a notes vault: YAML front matter, a chronological event
--- table, the dates mentioned, and an entity index of [[Name]] links, each
--- with source line references ("file.md:12").
function M.export_md(doc, meta, name_of)
  meta = meta or {}
  ensure_positions(doc, meta.text)
  name_of = name_of or M.name_index({ doc })
  local src = meta.name or doc.name or 'document'
  local title = meta.title or src
  local out = {
    '---',
    'title: ' .. yaml_str('Chronicle — ' .. title),
    'source: ' .. yaml_str(meta.path or doc.path or src),
    'lang: ' .. (doc.lang or 'und'),
  }
  if doc.dct then
    out[#out + 1] = 'date: ' .. doc.dct
    out[#out + 1] = 'date_source: ' .. (doc.dct_source or 'unknown')
  end
  if meta.now then
    out[#out + 1] = 'exported: ' .. meta.now
  end
  out[#out + 1] = 'generator: ' .. yaml_str(meta.generator or 'chronicle')
  out[#out + 1] = 'tags: [chronicle]'
  out[#out + 1] = '---'
  out[#out + 1] = ''
  out[#out + 1] = '# ' .. title
  out[#out + 1] = ''
  local function ref(m)
    return m.row and ('`' .. src .. ':' .. (m.row + 1) .. '`') or ''
  end
  local function link(id)
    return '[[' .. wiki_name((name_of(id))) .. ']]'
  end
  -- events
  local evs = M.all_events({ doc })
  out[#out + 1] = '## Timeline'
  out[#out + 1] = ''
  if #evs == 0 then
    out[#out + 1] = '_No events found._'
  else
    out[#out + 1] = '| Date | Event | Actors | Place | Trigger | Source |'
    out[#out + 1] = '| --- | --- | --- | --- | --- | --- |'
    for _, it in ipairs(evs) do
      local ev = it.ev
      local actors = {}
      for _, a in ipairs(ev.actors or {}) do
        actors[#actors + 1] = link(a)
      end
      out[#out + 1] = ('| %s | %s | %s | %s | %s | %s |'):format(
        md_cell(ev.date or 'undated'),
        md_cell((ev.label or '') .. ' (CAMEO ' .. (ev.type or '?') .. ')' .. (ev.status and ev.status ~= 'happened' and (', ' .. ev.status) or '')),
        md_cell(concat(actors, ', ')),
        ev.place and md_cell(link(ev.place)) or '',
        md_cell(ev.trigger),
        ref(ev)
      )
    end
  end
  out[#out + 1] = ''
  -- dates
  local dates = M.timeline_dates({ doc })
  sort(dates, function(a, b)
    local ka, kb = M.date_key(a.t.value) or '~', M.date_key(b.t.value) or '~'
    if ka ~= kb then
      return ka < kb
    end
    return (a.t.start or 0) < (b.t.start or 0)
  end)
  out[#out + 1] = #evs > 0 and '## Other dates mentioned' or '## Dates mentioned'
  out[#out + 1] = ''
  if #dates == 0 then
    out[#out + 1] = '_No dates found._'
  else
    for _, it in ipairs(dates) do
      local t = it.t
      out[#out + 1] = ('- **%s** — %s: “%s” %s'):format(M.date_short(t), M.date_words(t), one_line(t.text), ref(t))
    end
  end
  out[#out + 1] = ''
  -- entities
  local by_id, order = {}, {}
  for _, e in ipairs(doc.entities or {}) do
    local key = e.id or ('text:' .. e.text)
    local g = by_id[key]
    if not g then
      g = { name = e.name or e.text, type = e.type, id = e.id, refs = {}, forms = {}, seen = {} }
      by_id[key] = g
      order[#order + 1] = g
    end
    g.refs[#g.refs + 1] = e
    if not g.seen[e.text] then
      g.seen[e.text] = true
      g.forms[#g.forms + 1] = e.text
    end
  end
  sort(order, function(a, b)
    return a.name:lower() < b.name:lower()
  end)
  out[#out + 1] = '## Entities'
  out[#out + 1] = ''
  if #order == 0 then
    out[#out + 1] = '_No entities found._'
  end
  for _, g in ipairs(order) do
    local lines_seen, refs = {}, {}
    for _, m in ipairs(g.refs) do
      if m.row and not lines_seen[m.row] then
        lines_seen[m.row] = true
        refs[#refs + 1] = tostring(m.row + 1)
      end
    end
    local kb = meta.kb and g.id and meta.kb(g.id)
    local s = ('- [[%s]] (%s) — %d mention%s as %s; line%s %s'):format(
      wiki_name(g.name),
      g.type or '?',
      #g.refs,
      #g.refs == 1 and '' or 's',
      concat(g.forms, ', '),
      #refs == 1 and '' or 's',
      concat(refs, ', ')
    )
    if kb and kb.description then
      s = s .. ' — ' .. one_line(kb.description)
    end
    out[#out + 1] = s
  end
  out[#out + 1] = ''
  return concat(out, '\n')
end

local function quote_context(text, start, stop, n)
  -- up to n code points either side, never splitting a UTF-8 sequence
  local p = start
  local count = 0
  while p > 0 and count < n do
    p = p - 1
    local b = text:byte(p + 1)
    if b < 0x80 or b >= 0xC0 then
      count = count + 1
    end
  end
  local q = stop
  count = 0
  while q < #text and count < n do
    q = q + 1
    local b = text:byte(q + 1)
    while b and b >= 0x80 and b < 0xC0 do
      q = q + 1
      b = text:byte(q + 1)
    end
    count = count + 1
  end
  return text:sub(p + 1, start), text:sub(stop + 1, q)
end

--- W3C Web Annotation (JSON-LD): an AnnotationCollection whose page holds
--- one Annotation per entity, date and event, each targeting the source with
--- a TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector
--- (start/end in code points, as the Web Annotation model counts).
function M.export_w3c(doc, meta, name_of)
  meta = meta or {}
  name_of = name_of or M.name_index({ doc })
  local text = meta.text or ''
  local source = meta.uri or ('file://' .. (meta.path or doc.path or doc.name or 'document'))
  local base = 'urn:chronicle:' .. hash_hex(source) .. ':'
  -- byte → code point offsets in one sweep over sorted offsets
  local offsets = {}
  for _, list in ipairs({ doc.entities or {}, doc.timexes or {}, doc.events or {} }) do
    for _, m in ipairs(list) do
      offsets[#offsets + 1] = m.start
      offsets[#offsets + 1] = m.stop
    end
  end
  sort(offsets)
  local cp_at, pos, cps = {}, 0, 0
  for _, off in ipairs(offsets) do
    if not cp_at[off] then
      for i = pos + 1, math.min(off, #text) do
        local b = text:byte(i)
        if b < 0x80 or b >= 0xC0 then
          cps = cps + 1
        end
      end
      pos = math.max(pos, math.min(off, #text))
      cp_at[off] = cps
    end
  end
  local items = M.array()
  local function target(m)
    local prefix, suffix = quote_context(text, m.start, m.stop, 32)
    return M.object({
      { 'source', source },
      {
        'selector',
        M.array({
          M.object({
            { 'type', 'TextQuoteSelector' },
            { 'exact', text:sub(m.start + 1, m.stop) },
            { 'prefix', prefix },
            { 'suffix', suffix },
          }),
          M.object({ { 'type', 'TextPositionSelector' }, { 'start', cp_at[m.start] }, { 'end', cp_at[m.stop] } }),
        }),
      },
    })
  end
  local function body(value, purpose)
    return M.object({ { 'type', 'TextualBody' }, { 'value', value }, { 'purpose', purpose }, { 'format', 'text/plain' } })
  end
  local function entity_uri(id)
    if id and id:match('^Q%d+$') then
      return 'http://www.wikidata.org/entity/' .. id
    end
    return id and ('urn:chronicle:entity:' .. id) or nil
  end
  for i, e in ipairs(doc.entities or {}) do
    local b = M.array({ body(e.type, 'tagging'), body(e.name or e.text, 'identifying') })
    if e.id then
      b[#b + 1] = M.object({ { 'id', entity_uri(e.id) }, { 'purpose', 'identifying' } })
    end
    items[#items + 1] = M.object({
      { 'id', base .. 'entity:' .. i },
      { 'type', 'Annotation' },
      { 'motivation', 'identifying' },
      { 'created', meta.now },
      { 'body', b },
      { 'target', target(e) },
    })
  end
  for i, t in ipairs(doc.timexes or {}) do
    local b = M.array({ body(t.type, 'tagging') })
    if t.value then
      b[#b + 1] = body(t.value .. (t.end_value and ('/' .. t.end_value) or ''), 'describing')
      b[#b + 1] = body(M.date_words(t), 'commenting')
    end
    items[#items + 1] = M.object({
      { 'id', base .. 'timex:' .. i },
      { 'type', 'Annotation' },
      { 'motivation', 'describing' },
      { 'created', meta.now },
      { 'body', b },
      { 'target', target(t) },
    })
  end
  for i, ev in ipairs(doc.events or {}) do
    local b = M.array({ body('CAMEO ' .. (ev.type or '?') .. ' ' .. (ev.label or ''), 'classifying') })
    if ev.date then
      b[#b + 1] = body(ev.date, 'describing')
    end
    for _, a in ipairs(ev.actors or {}) do
      b[#b + 1] = M.object({ { 'id', entity_uri(a) }, { 'purpose', 'linking' } })
    end
    items[#items + 1] = M.object({
      { 'id', base .. 'event:' .. i },
      { 'type', 'Annotation' },
      { 'motivation', 'classifying' },
      { 'created', meta.now },
      { 'body', b },
      { 'target', target(ev) },
    })
  end
  local coll = M.object({
    { '@context', 'http://www.w3.org/ns/anno.jsonld' },
    { 'id', base .. 'collection' },
    { 'type', 'AnnotationCollection' },
    { 'label', 'chronicle annotations of ' .. (meta.name or doc.name or 'document') },
    { 'generator', meta.generator or 'chronicle' },
    { 'generated', meta.now },
    { 'total', #items },
    {
      'first',
      M.object({
        { 'id', base .. 'page1' },
        { 'type', 'AnnotationPage' },
        { 'startIndex', 0 },
        { 'items', items },
      }),
    },
  })
  return M.json(coll, '  ') .. '\n'
end

--- The `title:` of YAML front matter at the top of `text`, or nil.
function M.front_matter_title(text)
  if not text or text:sub(1, 4) ~= '---\n' then
    return nil
  end
  local fm = text:match('^%-%-%-\n(.-)\n%-%-%-')
  local t = fm and fm:match('\ntitle:%s*([^\n]+)') or (fm and fm:match('^title:%s*([^\n]+)'))
  if not t then
    return nil
  end
  t = trim(t):gsub('^"(.*)"$', '%1'):gsub("^'(.*)'$", '%1')
  return t ~= '' and t or nil
end

M.EXPORT_EXT = { md = 'md', json = 'json', csv = 'csv', ics = 'ics', w3c = 'jsonld' }
M.EXPORT_FORMATS = { 'md', 'json', 'csv', 'ics', 'w3c' }

--- Dispatches to the export of `fmt`; returns the text (and for ics the
--- number of events left out).
function M.export(fmt, doc, meta, name_of)
  if fmt == 'md' then
    return M.export_md(doc, meta, name_of)
  elseif fmt == 'json' then
    return M.export_json(doc, meta)
  elseif fmt == 'csv' then
    return M.export_csv(doc, meta, name_of)
  elseif fmt == 'ics' then
    return M.export_ics(doc, meta, name_of)
  elseif fmt == 'w3c' then
    return M.export_w3c(doc, meta, name_of)
  end
  error('chronicle: unknown export format "' .. tostring(fmt) .. '" (use md, json, csv, ics or w3c)', 0)
end

--- The export file name for a source name: "article.zh.md" → "article.zh.chronicle.md".
function M.export_name(source_name, fmt)
  local base = (source_name or 'untitled'):match('([^/\\]+)$') or 'untitled'
  local stem = base:match('^(.+)%.[^.]+$') or base
  return stem .. '.chronicle.' .. (M.EXPORT_EXT[fmt] or fmt)
end

--- A free name next to `name` when it exists: "x.chronicle.md" → "x.chronicle-2.md".
function M.alternate_name(name, exists)
  local stem, ext = name:match('^(.*)(%.[^./\\]+)$')
  if not stem then
    stem, ext = name, ''
  end
  for i = 2, 999 do
    local cand = ('%s-%d%s'):format(stem, i, ext)
    if not exists(cand) then
      return cand
    end
  end
  return nil
end

return M
