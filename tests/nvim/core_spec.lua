-- Tests of chronicle.core, the editor-independent module: run by plain
-- luajit, lua5.1 and lua5.2 (no vim.*, no FFI). Usage: lua core_spec.lua ROOT
local root = arg and arg[1] or '.'
package.path = root .. '/lua/?.lua;' .. root .. '/tests/nvim/?.lua;' .. package.path
local H = require('harness')
H.suite = 'core (' .. (_VERSION or '?') .. (jit and (', ' .. jit.version) or '') .. '): '
local core = require('chronicle.core')

H.test('value_words reads TIMEX3 values', function()
  H.eq(core.value_words('1995-07-11'), 'Tuesday, 11 July 1995')
  H.eq(core.value_words('2000-11'), 'November 2000')
  H.eq(core.value_words('199'), 'the 1990s')
  H.eq(core.value_words('2017-Q3'), 'Q3 2017 (July–September)')
  H.eq(core.value_words('2015-SU'), 'summer 2015')
  H.eq(core.value_words('2025-11-19TAF'), 'afternoon of Wednesday, 19 November 2025')
  H.eq(core.value_words('2015-07-06T08:00'), '08:00, Monday, 6 July 2015')
  H.eq(core.value_words('XXXX-04-15'), '15 April (year unknown)')
  H.eq(core.value_words('P20Y'), '20 years')
  H.eq(core.value_words('PRESENT_REF'), 'the present')
  H.eq(core.value_words('2021-H1'), 'first half of 2021')
  H.eq(core.value_words('nonsense'), nil)
end)

H.test('date_words adds ranges and modifiers', function()
  H.eq(core.date_words({ value = '2023-10-18', end_value = '2023-10-20' }), '18–20 October 2023')
  H.eq(core.date_words({ value = '2024-07-30', end_value = '2024-08-01' }), '30 July – 1 August 2024')
  H.eq(core.date_words({ value = '2016', mod = 'AFTER' }), 'since 2016')
  H.eq(core.date_words({ value = '199', mod = 'END' }), 'late the 1990s')
end)

H.test('date_short is what the virtual text shows', function()
  H.eq(core.date_short({ value = '2023-10-18', end_value = '2023-10-20' }), '2023-10-18..20')
  H.eq(core.date_short({ value = 'PAST_REF' }), nil)
  H.eq(core.date_short({ value = 'P10Y', type = 'DURATION' }), '10 years')
  H.eq(core.date_short({ value = '2016', mod = 'AFTER' }), 'since 2016')
end)

H.test('date_key sorts coarse and fine dates chronologically', function()
  local vals = { '2001', '199', '1995-07-11', '2000-11', '2017-Q3', '2023-09-10TAF', '2023-09-10', 'PAST_REF' }
  table.sort(vals, function(a, b)
    return (core.date_key(a) or '~') < (core.date_key(b) or '~')
  end)
  H.eq(vals, { '199', '1995-07-11', '2000-11', '2001', '2017-Q3', '2023-09-10', '2023-09-10TAF', 'PAST_REF' })
end)

H.test('same_date relates days and months, never bare years', function()
  H.truthy(core.same_date('2023-09-10', '2023-09-10TAF'))
  H.truthy(core.same_date('2015-07', '2015-07'))
  H.truthy(not core.same_date('2016', '2016'))
  H.truthy(not core.same_date('2023-09-10', '2023-09-11'))
  H.truthy(core.date_matches_timex('2023-10-19', { value = '2023-10-18', end_value = '2023-10-20' }))
end)

H.test('positions: line starts and locate', function()
  local starts = core.line_starts({ 'ab', '', '美国' })
  H.eq(starts, { 0, 3, 4 })
  H.eq({ core.locate(starts, 5) }, { 2, 1 })
  H.eq({ core.locate(starts, 3) }, { 1, 0 })
  H.eq(core.text_line_starts('a\nb\n'), { 0, 2, 4 })
end)

H.test('display width counts CJK as two cells', function()
  H.eq(core.width('拜登 Joe'), 8)
  H.eq(core.width('Nguyễn'), 6)
  H.eq(core.pad('越南', 6), '越南  ')
  H.eq(core.truncate('abcdef', 4), 'abc…')
end)

H.test('json encoder: order, escapes, null, empty arrays', function()
  local o = core.object({ { 'b', 1 }, { 'a', core.null }, { 'c', core.array() }, { 's', 'x"\n\1' } })
  H.eq(core.json(o), '{"b":1,"a":null,"c":[],"s":"x\\"\\n\\u0001"}')
  H.eq(core.json({ 1, 2.5, true }), '[1,2.5,true]')
end)

-- a small document in core's shape
local function sample()
  local text = 'Line one.\n2023年9月10日，拜登抵达河内。\n'
  local function off(s)
    return text:find(s, 1, true) - 1
  end
  local doc = {
    name = 'a.md',
    path = '/x/a.md',
    lang = 'zh',
    dct = '2023-09-11',
    dct_source = 'front_matter',
    entities = {
      { start = off('拜登'), stop = off('拜登') + 6, text = '拜登', type = 'PERSON', id = 'Q6279', name = 'Joe Biden', source = 'kb' },
      { start = off('河内'), stop = off('河内') + 6, text = '河内', type = 'GPE', id = 'Q1858', name = 'Hanoi', source = 'kb' },
    },
    timexes = {
      { start = off('2023'), stop = off('，'), text = '2023年9月10日', type = 'DATE', value = '2023-09-10' },
    },
    events = {
      {
        start = off('抵达'),
        stop = off('抵达') + 6,
        trigger = '抵达',
        type = '04',
        label = 'visit',
        date = '2023-09-10',
        timex = 1,
        actors = { 'Q6279' },
        place = 'Q1858',
        status = 'happened',
        sentence = { off('2023'), #text - 1 },
      },
    },
  }
  core.add_positions(doc, core.text_line_starts(text))
  return doc, text
end

H.test('add_positions gives rows and byte columns', function()
  local doc = sample()
  local e = doc.entities[1]
  H.eq({ e.row, e.col, e.end_row, e.end_col }, { 1, 19, 1, 25 })
end)

H.test('related events: shared actors or the same date, sorted', function()
  local d1 = sample()
  local d2 = sample()
  d2.name = 'b.md'
  d2.events[1].date = '2023-09-10TAF'
  d2.events[1].actors = { 'Q30' }
  local rel = core.related({ d1, d2 }, d1, d1.events[1])
  H.eq(#rel, 1)
  H.eq(rel[1].doc.name, 'b.md')
  H.truthy(rel[1].same_date)
  H.eq(core.related_reason(rel[1], function(id)
    return id
  end), 'same date')
end)

H.test('hover cards', function()
  local doc = sample()
  local name_of = core.name_index({ doc })
  local card = core.hover_entity({
    mention = doc.entities[1],
    kb = { name = 'Joe Biden', type = 'PERSON', names = { zh = { '拜登' }, vi = { 'Joe Biden' } }, description = 'President' },
    here = { doc.entities[1] },
    events = core.events_of_entity({ doc }, 'Q6279'),
    elsewhere = { { name = 'b.md', count = 2 } },
    name_of = name_of,
  })
  H.eq(card.lines[1], 'Joe Biden  ·  PERSON')
  H.contains(card.lines, '中文: 拜登')
  H.contains(card.lines, 'In this buffer: 1 mention, line 2')
  H.contains(card.lines, '2023-09-10  visit  Joe Biden — 抵达')
  H.contains(card.lines, 'b.md (2 mentions)')
  local tc = core.hover_timex({ mention = doc.timexes[1], events = core.events_on_date({ doc }, doc.timexes[1]), doc = doc, name_of = name_of })
  H.contains(tc.lines, 'Sunday, 10 September 2023')
  H.contains(tc.lines, 'Events on this date (1)')
  local ec = core.hover_event({ mention = doc.events[1], anchor = doc.timexes[1], doc = doc, related = {}, name_of = name_of })
  H.eq(ec.lines[1], 'visit  ·  CAMEO 04')
  H.contains(ec.lines, 'Actors: Joe Biden (PERSON)')
  H.contains(ec.lines, 'Place: Hanoi')
  H.contains(ec.lines, 'Date source: from "2023年9月10日" on line 2')
end)

H.test('timeline lines and their items', function()
  local doc = sample()
  local items = core.timeline_items({ doc }, true)
  local lines, map = core.timeline(items, core.name_index({ doc }), { title = 'T' })
  H.eq(lines[1], 'T — 1 event, in date order')
  H.truthy(map[3] and map[3].ev, 'line 3 is the event')
  H.contains(lines[3], '2023-09-10  visit')
  H.contains(lines[3], 'Joe Biden — 抵达  · line 2')
end)

H.test('exports: json, csv, ics, md, w3c', function()
  local doc, text = sample()
  local meta = { name = 'a.md', path = '/x/a.md', now = '2024-01-02T03:04:05Z', text = text, generator = 'chronicle test' }
  local j = core.export_json(doc, meta)
  H.contains(j, '"end": ' .. doc.entities[1].stop)
  H.contains(j, '"bytes": ' .. #text)
  local csv = core.export_csv(doc, meta)
  local rows = {}
  for line in csv:gmatch('(.-)\r\n') do
    rows[#rows + 1] = line
  end
  H.eq(#rows, 2)
  H.eq(rows[1], table.concat(core.CSV_COLUMNS, ','))
  H.contains(rows[2], '2023-09-10,,"Sunday, 10 September 2023",04,visit,抵达,happened,Joe Biden,Q6279,Hanoi,a.md,2,')
  local ics = core.export_ics(doc, meta)
  H.contains(ics, 'DTSTART;VALUE=DATE:20230910\r\nDTEND;VALUE=DATE:20230911\r\n')
  H.contains(ics, 'LOCATION:Hanoi')
  for line in ics:gmatch('(.-)\r\n') do
    H.truthy(#line <= 75, 'ics line over 75 octets: ' .. line)
  end
  local md = core.export_md(doc, meta)
  H.contains(md, '| 2023-09-10 | visit (CAMEO 04) | [[Joe Biden]] | [[Hanoi]] | 抵达 | `a.md:2` |')
  H.contains(md, '- [[Joe Biden]] (PERSON) — 1 mention as 拜登; line 2')
  local w3c = core.export_w3c(doc, meta)
  H.contains(w3c, '"type": "TextQuoteSelector"')
  -- 拜登 starts at code point 10 + 11 ("Line one.\n" + "2023年9月10日，")
  H.contains(w3c, "\"start\": 21")
end)

H.test('ics spans for coarse dates', function()
  H.eq(core.ics_span('2015-07'), { start = '20150701', stop = '20150801' })
  H.eq(core.ics_span('2015-12'), { start = '20151201', stop = '20160101' })
  H.eq(core.ics_span('2001'), { start = '20010101', stop = '20020101' })
  H.eq(core.ics_span('2023-10-18', '2023-10-20'), { start = '20231018', stop = '20231021' })
  H.eq(core.ics_span('2015-07-06T08:00'), { datetime = '20150706T080000' })
  H.eq(core.ics_span('XXXX-04-15'), nil)
  H.eq(core.ics_span('PAST_REF'), nil)
end)

H.test('export names never collide silently', function()
  H.eq(core.export_name('us-vietnam.zh.md', 'md'), 'us-vietnam.zh.chronicle.md')
  H.eq(core.export_name('/a/b/x.txt', 'w3c'), 'x.chronicle.jsonld')
  local taken = { ['x.chronicle-2.md'] = true }
  H.eq(core.alternate_name('x.chronicle.md', function(p)
    return taken[p]
  end), 'x.chronicle-3.md')
end)

H.test('front matter title', function()
  H.eq(core.front_matter_title('---\ntitle: 美越关系\ndate: 2023\n---\nbody'), '美越关系')
  H.eq(core.front_matter_title('no front matter'), nil)
end)

-- the folder index: its answers as the tables open buffers give

local ROOT = '/news'
local function ev_json(path, line, start, trigger, date, actors, label)
  local a = {}
  for _, x in ipairs(actors) do
    a[#a + 1] = { id = x[1], name = x[2] }
  end
  return {
    path = path,
    line = line,
    start = start,
    ['end'] = start + #trigger,
    trigger = trigger,
    type = '04',
    label = label or 'phone call',
    date = date,
    status = 'happened',
    actors = a,
  }
end

H.test('index answers become events and items', function()
  local names = {}
  local ev = core.index_event(ev_json('/news/a/call.vi.txt', 3, 121, 'điện đàm', '2023-03-29TEV', { { 'Q6279', 'Joe Biden' } }), names)
  H.eq(ev.row, 2)
  H.eq(ev.stop, 121 + #'điện đàm')
  H.eq(ev.actors, { 'Q6279' })
  H.eq(names, { Q6279 = 'Joe Biden' })
  H.eq(ev.indexed, true)
  local cache = {}
  local d1 = core.index_doc('/news/a/call.vi.txt', ROOT, cache)
  H.eq(d1.name, 'a/call.vi.txt')
  H.truthy(core.index_doc('/news/a/call.vi.txt', ROOT, cache) == d1, 'one doc per file')
  H.eq(core.relative('/elsewhere/x.md', ROOT), '/elsewhere/x.md')
  -- names from the index come after the buffers' and before the kb
  local name_of = core.name_index({}, function()
    return { name = 'KB name', type = 'PERSON' }
  end, names)
  H.eq({ name_of('Q6279') }, { 'Joe Biden', 'PERSON' })
  H.eq((name_of('Q1')), 'KB name')
end)

H.test('index related events are judged like open buffers', function()
  local here = { trigger = '电话会谈', date = '2023-03-29TEV', actors = { 'Q6279', 'L1' } }
  local list = {
    ev_json('/news/call.vi.txt', 3, 121, 'điện đàm', '2023-03-29TEV', { { 'L1', 'Nguyễn Phú Trọng' }, { 'Q6279', 'Joe Biden' } }),
    ev_json('/news/x.md', 9, 10, 'visit', '2023-09-10', { { 'Q6279', 'Joe Biden' } }, 'visit'),
    ev_json('/news/y.md', 2, 5, 'meet', '2023-03-29', { { 'Q9', 'Somebody' } }, 'meet'),
    ev_json('/news/z.md', 2, 5, 'sign', '2001', { { 'Q9', 'Somebody' } }, 'sign'),
  }
  local names = {}
  local items = core.index_related(here, list, ROOT, names, {})
  H.eq(#items, 3, 'the unrelated 2001 event is left out')
  H.eq(items[1].shared, { 'L1', 'Q6279' })
  H.eq(items[1].same_date, true)
  H.eq(items[2].shared, { 'Q6279' })
  H.eq(items[2].same_date, false)
  H.eq(items[3].shared, {})
  H.eq(items[3].same_date, true)
  H.eq(core.related_reason(items[1], core.name_index({}, nil, names)), 'shares Nguyễn Phú Trọng, Joe Biden; same date')
end)

H.test('merge_items: open buffers win, duplicates once, date order', function()
  local bufdoc = { name = 'call.zh.txt', path = '/news/call.zh.txt', bufnr = 1 }
  local items = { { doc = bufdoc, ev = { date = '2023-09-10', row = 2, col = 0, start = 50 } } }
  local cache = {}
  local extra = core.index_items({
    ev_json('/news/call.zh.txt', 3, 105, '电话会谈', '2023-03-29TEV', {}),
    ev_json('/news/call.vi.txt', 3, 121, 'điện đàm', '2023-03-29TEV', {}),
    ev_json('/news/call.vi.txt', 3, 121, 'điện đàm', '2023-03-29TEV', {}),
    ev_json('/news/old.md', 1, 0, 'visit', '1995-07-11', {}),
    ev_json('/news/undated.md', 1, 0, 'visit', nil, {}),
  }, ROOT, nil, cache)
  local merged = core.merge_items(items, extra, { ['/news/call.zh.txt'] = true })
  local got = {}
  for _, it in ipairs(merged) do
    got[#got + 1] = it.doc.name .. '@' .. tostring(it.ev.date)
  end
  H.eq(got, { 'old.md@1995-07-11', 'call.vi.txt@2023-03-29TEV', 'call.zh.txt@2023-09-10', 'undated.md@nil' })
  -- events of one line without columns keep their order in the text
  local same = core.sort_events({
    { doc = { name = 'a' }, ev = { date = '2023', row = 4, start = 90 } },
    { doc = { name = 'a' }, ev = { date = '2023', row = 4, start = 10 } },
  })
  H.eq({ same[1].ev.start, same[2].ev.start }, { 10, 90 })
end)

H.test('index mentions: other files with their lines, most first', function()
  local answer = {
    entity = { id = 'Q6279', name = 'Joe Biden' },
    files = {
      { path = '/news/call.vi.txt', mentions = { { line = 3, start = 165, ['end'] = 174 } } },
      { path = '/news/here.md', mentions = { { line = 1, start = 0, ['end'] = 3 } } },
      { path = '/news/t.zh.md', mentions = { { line = 15, start = 595, ['end'] = 601 }, { line = 15, start = 604, ['end'] = 613 }, { line = 2, start = 9, ['end'] = 12 } } },
    },
  }
  local got = core.index_mentions(answer, ROOT, { ['/news/here.md'] = true })
  H.eq(#got, 2)
  H.eq(got[1], { name = 't.zh.md', path = '/news/t.zh.md', count = 3, lines = { 2, 15 } })
  H.eq(got[2].lines, { 3 })
  local card = core.hover_entity({ mention = { text = '拜登', id = 'Q6279', type = 'PERSON' }, elsewhere = got })
  H.contains(card.lines, '  t.zh.md (3 mentions, lines 2, 15)')
  H.contains(card.lines, '  call.vi.txt (1 mention, line 3)')
end)

H.test('index progress, end of pass, statusline and skipped files in words', function()
  local p = { state = 'running', files_total = 10000, files_done = 1200, files_skipped = 30, files_failed = 4 }
  H.eq(core.index_progress_text(p, '~/news'), 'chronicle: indexing 1234/10000 files — ~/news')
  H.eq(core.index_progress_text({ state = 'scanning', files_total = 1 }), 'chronicle: indexing, 1 file found so far')
  H.eq(core.index_statusline({ p }), 'chronicle 1234/10000')
  local done = { state = 'watching', files_total = 8, files_done = 7, files_reused = 3, files_skipped = 1, files = 7 }
  H.eq(core.index_progress_text(done, '~/news'), 'chronicle: indexed 7 files — ~/news')
  H.eq(core.index_done_text(done, '~/news', 412), 'chronicle: indexed ~/news: 7 files (3 unchanged), 1 skipped, in 412 ms; watching for changes')
  H.eq(core.index_done_text({ state = 'ready', files_done = 1 }, 'x', 2500), 'chronicle: indexed x: 1 file, in 2.5 s')
  H.eq(core.index_statusline({ done, { state = 'cancelled', files = 2 } }), 'chronicle 9 files (cancelled)')
  H.eq(core.index_statusline({}), '')
  H.contains(core.index_progress_text({ state = 'cancelled', files_total = 10, files_done = 4 }), 'cancelled at 4/10 files')
  H.contains(core.index_progress_text({ state = 'failed', message = 'x is not a folder' }), 'indexing failed: x is not a folder')
  local list = {}
  for i = 1, 7 do
    list[i] = { path = '/news/b' .. i .. '.txt', skipped = 'binary file' }
  end
  local text = core.index_skipped_text(list, ROOT, '~/news')
  H.contains(text, 'chronicle: 7 files skipped in ~/news:')
  H.contains(text, '  b1.txt — binary file')
  H.contains(text, '  … and 2 more (:Chronicle status lists them)')
end)

H.test('folder timeline: one entry per event, a line per source', function()
  local entries = {
    {
      date = '2023-03-29TEV',
      type = '04',
      label = 'phone call',
      actors = { { id = 'L1', name = 'Nguyễn Phú Trọng' }, { id = 'Q6279', name = 'Joe Biden' } },
      sources = {
        { doc = '/news/call.vi.txt', name = 'call.vi.txt', row = 2, start = 121, ['end'] = 134, trigger = 'điện đàm', status = 'happened' },
        { doc = '/news/call.zh.txt', name = 'call.zh.txt', start = 105, ['end'] = 117, trigger = '电话会谈', status = 'happened' },
      },
    },
    {
      date = '1995-07-11',
      type = '01',
      label = 'announce',
      actors = { { id = 'Q1124', name = 'Bill Clinton' } },
      sources = { { doc = '/news/t.md', name = 't.md', row = 8, start = 217, ['end'] = 223, trigger = '宣布', status = 'planned' } },
    },
  }
  core.sort_entries(entries)
  H.eq(entries[1].date, '1995-07-11')
  local lines, map = core.folder_timeline(entries, { title = 'T', note = '(partial)' })
  H.eq(lines[1], 'T — 2 events (3 reports), in date order')
  H.eq(lines[2], '(partial)')
  H.eq(map[1], false)
  H.eq(lines[4], '1995-07-11     announce    Bill Clinton — 宣布 [planned]  · t.md:9')
  H.eq(lines[5], '2023-03-29TEV  phone call  Nguyễn Phú Trọng, Joe Biden — 2 reports')
  H.eq(lines[6], '               · call.vi.txt:3  điện đàm')
  H.eq(lines[7], '               · call.zh.txt (byte 105)  电话会谈')
  H.truthy(map[5].source == entries[2].sources[1], 'the entry line jumps to its first source')
  H.truthy(map[7].source == entries[2].sources[2])
  local none = core.folder_timeline({}, {})
  H.contains(none, 'No dated events in the index yet.')
  local items = core.index_source_items(entries, '/news', {}, {})
  H.eq(#items, 3)
  H.eq(items[2].doc.name, 'call.vi.txt')
  H.eq(items[2].ev.actors, { 'L1', 'Q6279' })
end)

H.test('json_items finds array items without decoding (strings with brackets, escapes)', function()
  local s = '{"a":1,"files":[{"path":"/x/a [1].md","m":[{"line":1}]},{"path":"/x/q\\"b\\".md","m":[]},{"path":"/x/}{.md"}],"events":[]}'
  local items = core.json_items(s, 'files')
  H.eq(#items, 3)
  H.eq(s:sub(items[1][1], items[1][2]), '{"path":"/x/a [1].md","m":[{"line":1}]}')
  H.eq(s:sub(items[2][1], items[2][2]), '{"path":"/x/q\\"b\\".md","m":[]}')
  H.eq(s:sub(items[3][1], items[3][2]), '{"path":"/x/}{.md"}')
  H.eq(#core.json_items(s, 'events'), 0)
  H.eq(#core.json_items(s, 'nothing'), 0)
end)

-- a chr_index_entity answer as the library writes it
local function entity_answer()
  local function ev(path, line, start, date, trig)
    return ('{"path":"%s","line":%d,"start":%d,"end":%d,"trigger":"%s","type":"04","label":"visit","date":%s,"status":"happened","actors":[{"id":"Q6279","name":"Joe Biden"}]}'):format(
      path, line, start, start + #trig, trig, date and ('"' .. date .. '"') or 'null')
  end
  local files = {
    '{"path":"/n/a.md","mentions":[{"line":1,"start":0,"end":3}]}',
    '{"path":"/n/b.md","mentions":[{"line":1,"start":0,"end":3},{"line":4,"start":30,"end":33},{"line":9,"start":90,"end":93}]}',
    '{"path":"/n/here.md","mentions":[{"line":1,"start":0,"end":3},{"line":2,"start":10,"end":13}]}',
    '{"path":"/n/c.md","mentions":[{"line":2,"start":5,"end":8},{"line":3,"start":9,"end":12}]}',
  }
  local events = {
    ev('/n/b.md', 4, 30, '2023-09-10', 'visit'),
    ev('/n/a.md', 1, 4, '1995-07-11', 'met'),
    ev('/n/here.md', 2, 14, '1990', 'saw'),
    ev('/n/c.md', 3, 13, nil, 'told'),
    ev('/n/c.md', 2, 9, '2001', 'said'),
  }
  return '{"query":"Q6279","entity":{"id":"Q6279","name":"Joe Biden","type":"PERSON"},"mentions":8,"files":['
    .. table.concat(files, ',') .. '],"events":[' .. table.concat(events, ',') .. ']}'
end

-- a tiny JSON reader for the tests (the editor uses vim.json)
local function decode(s)
  local pos = 1
  local function ws()
    pos = s:find('[^ \t\r\n]', pos) or #s + 1
  end
  local value
  local function str()
    local out, i = {}, pos + 1
    while true do
      local c = s:sub(i, i)
      if c == '"' then
        pos = i + 1
        return table.concat(out)
      elseif c == '\\' then
        out[#out + 1] = s:sub(i + 1, i + 1)
        i = i + 2
      else
        out[#out + 1] = c
        i = i + 1
      end
    end
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == '{' then
      local t = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == '}' then
        pos = pos + 1
        return t
      end
      while true do
        ws()
        local k = str()
        ws()
        pos = pos + 1 -- :
        t[k] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == '}' then
          return t
        end
      end
    elseif c == '[' then
      local t = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == ']' then
        pos = pos + 1
        return t
      end
      while true do
        t[#t + 1] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == ']' then
          return t
        end
      end
    elseif c == '"' then
      return str()
    elseif s:sub(pos, pos + 3) == 'null' then
      pos = pos + 4
      return nil
    elseif s:sub(pos, pos + 3) == 'true' then
      pos = pos + 4
      return true
    elseif s:sub(pos, pos + 4) == 'false' then
      pos = pos + 5
      return false
    end
    local num = s:match('^-?[%d%.eE+-]+', pos)
    pos = pos + #num
    return tonumber(num)
  end
  return value()
end

H.test('trim_entity_answer: top files, first events by date, skipped files out, positions', function()
  local placed = {}
  local function locate(path, a, b)
    placed[#placed + 1] = path
    return 7, a % 100, 7, b % 100
  end
  local out = core.trim_entity_answer(entity_answer(), { skip = { ['/n/here.md'] = true }, max_files = 2, max_events = 2, locate = locate })
  local j = decode(out)
  H.eq(j.entity.name, 'Joe Biden')
  H.eq(j.files_total, 3)
  H.eq(#j.files, 2)
  H.eq(j.files[1].path, '/n/b.md')
  H.eq(j.files[2].path, '/n/c.md')
  H.eq(j.events_total, 4, 'the event in here.md is left out')
  H.eq({ j.events[1].date, j.events[2].date }, { '1995-07-11', '2001' })
  H.eq({ j.events[1].row, j.events[1].col, j.events[1].end_col }, { 7, 4, 7 })
  H.eq(placed, { '/n/a.md', '/n/c.md' }, 'only the kept events are placed')
  -- as items: the positions come through
  local it = core.index_items(j.events, '/n', {}, {})[1]
  H.eq({ it.doc.name, it.ev.row, it.ev.col }, { 'a.md', 7, 4 })
  local all = decode(core.trim_entity_answer(entity_answer(), {}))
  H.eq(#all.files, 4)
  H.eq(#all.events, 5)
  H.eq(all.events[5].date, nil, 'undated last')
end)

H.test('file_locator reads each file once, within its budget', function()
  local reads = {}
  local files = { ['/a'] = 'one\ntwo\nthree\n', ['/b'] = string.rep('x', 100) }
  local loc = core.file_locator(function(p)
    reads[#reads + 1] = p
    return files[p]
  end, 50)
  H.eq({ loc('/a', 4, 7) }, { 1, 0, 1, 3 })
  H.eq({ loc('/a', 8) }, { 2, 0, 2, 0 })
  H.eq({ loc('/b', 5) }, { 0, 5, 0, 5 })
  H.eq(loc('/c', 1), nil, 'over budget: not read')
  H.eq(loc('/missing', 1), nil)
  H.eq(reads, { '/a', '/b' })
end)

H.test('trim_timeline_answer and trim_related_answer', function()
  local s = '{"events":[{"date":"1995","type":"01","label":"a","actors":[],"sources":[{"doc":"/n/x.md","start":3,"end":5,"trigger":"t1","status":"happened"}]},'
    .. '{"date":"2023","type":"04","label":"b","actors":[{"id":"Q1","name":"N"}],"sources":[{"doc":"/n/y.md","start":10,"end":12,"trigger":"t2","status":"happened"},{"doc":"/n/z.md","start":1,"end":2,"trigger":"t3","status":"planned"}]}]}'
  local j = decode(core.trim_timeline_answer(s, { max_events = 1 }))
  H.eq({ j.events_total, j.sources_total, #j.events }, { 2, 3, 1 })
  j = decode(core.trim_timeline_answer(s, {
    locate = function(path, a)
      return path == '/n/z.md' and 4 or nil, a, 4, a + 1
    end,
  }))
  H.eq(j.events[2].sources[2].row, 4)
  H.eq(j.events[2].sources[1].row, nil)
  H.eq(j.events[2].sources[2].trigger, 't3')
  local r = '{"path":"/n/a.md","line":3,"event":{"path":"/n/a.md","line":3,"start":1,"end":2},"related":['
    .. '{"path":"/n/b.md","line":2,"start":7,"end":9,"trigger":"x","date":"2023-09-10","actors":[]},'
    .. '{"path":"/n/open.md","line":1,"start":0,"end":2,"trigger":"y","date":"1990","actors":[]}]}'
  local jr = decode(core.trim_related_answer(r, { skip = { ['/n/open.md'] = true } }))
  H.eq(jr.related_total, 1)
  H.eq(jr.related[1].path, '/n/b.md')
  H.eq(jr.event.start, 1)
end)

H.test('core uses no vim and no ffi', function()
  local f = assert(io.open(root .. '/lua/chronicle/core.lua'))
  local src = f:read('*a')
  f:close()
  H.truthy(not src:find('vim%.[%a_]'), 'core.lua uses vim.*')
  H.truthy(not src:find("require%('ffi'%)"), 'core.lua requires ffi')
end)

local ok = H.done()
os.exit(ok and 0 or 1)
