-- chronicle.ffi: the LuaJIT FFI binding to build/libchronicle.so.
--
-- Nothing here runs until a function is called: plugin/ never requires this
-- module, so a missing or stale library costs nothing at startup and is
-- reported once, with the fix, when the user first asks for something.
--
-- The declarations come from lib/include/chronicle.h itself (the block
-- between CHR_CDEF_BEGIN and CHR_CDEF_END), so they cannot drift from the C
-- side the way hand-copied cdefs do. The result is converted to plain Lua
-- tables (the shape chronicle.core documents) through the direct accessors,
-- never through JSON: that is the hot path of every redraw.

local M = {}

-- The plugin root is two levels above this file (lua/chronicle/ffi.lua).
-- Found from our own path, like telescope-fzf-native, so it works however the
-- plugin was installed (lazy.nvim, packer, packpath, a symlink).
local function find_root()
  local src = debug.getinfo(1, 'S').source
  src = src:sub(1, 1) == '@' and src:sub(2) or src
  local dir = src:match('^(.*)[/\\]lua[/\\]chronicle[/\\][^/\\]*$')
  if not dir or dir == '' then
    dir = '.'
  end
  return dir
end

M.root = find_root()
M.paths = {
  root = M.root,
  lib = M.root .. '/build/libchronicle.so',
  header = M.root .. '/lib/include/chronicle.h',
  data = M.root .. '/data',
}

local ok_ffi, ffi = pcall(require, 'ffi')

local state = {
  lib = nil, -- the ffi.load namespace once loaded and checked
  engine = nil, -- the chr_engine*, created once and kept (ffi.gc frees it)
  header_abi = nil, -- CHR_ABI_VERSION as written in the header
  lib_abi = nil, -- chr_abi_version() of the loaded library
  fields = {}, -- optional struct fields present in this header (feature check)
}

local function fail(msg)
  error('chronicle: ' .. msg .. '\n' .. 'See :checkhealth chronicle', 0)
end

local function file_exists(path)
  local f = io.open(path, 'rb')
  if f then
    f:close()
    return true
  end
  return false
end

local function fix_hint()
  return ('Fix: run `make` in %s (lazy.nvim: build = "make"; packer: run = "make"), then restart Neovim.'):format(M.root)
end

-- Reads the cdef block of the header and strips comments: LuaJIT's parser
-- accepts most comments, but stripping them keeps a future `//` or a comment
-- containing a quote from ever breaking the parse.
local function read_cdef()
  local f = io.open(M.paths.header, 'rb')
  if not f then
    fail(('cannot read the C header %s (is the plugin folder complete?). %s'):format(M.paths.header, fix_hint()))
  end
  local text = f:read('*a')
  f:close()
  local block = text:match('/%*%s*CHR_CDEF_BEGIN%s*%*/(.-)/%*%s*CHR_CDEF_END%s*%*/')
  if not block then
    fail(('%s has no CHR_CDEF_BEGIN/CHR_CDEF_END block'):format(M.paths.header))
  end
  block = block:gsub('/%*.-%*/', ' '):gsub('//[^\n]*', ' ')
  state.header_abi = tonumber(block:match('CHR_ABI_VERSION%s*=%s*(%d+)'))
  state.cdef = block
  return block
end

local function define_types(block)
  -- ffi.cdef cannot redefine a struct, so a second load of this module in the
  -- same Neovim (package.loaded cleared, tests) must skip it.
  if pcall(ffi.typeof, 'chr_entity_view') then
    return
  end
  local ok, err = pcall(ffi.cdef, block)
  if not ok then
    fail(('cannot parse the declarations of %s: %s'):format(M.paths.header, err))
  end
end

-- Fields a later header may add (event place/status); read only if declared.
local function has_field(ctype, field)
  local ok, off = pcall(ffi.offsetof, ctype, field)
  return ok and off ~= nil
end

--- Loads and checks the library; returns the namespace or raises a message
--- that names the path and the fix.
function M.lib()
  if state.lib then
    return state.lib
  end
  if not ok_ffi then
    fail('this Neovim has no LuaJIT FFI (require "ffi" failed); chronicle needs a LuaJIT build of Neovim.')
  end
  if not file_exists(M.paths.lib) then
    fail(('the library %s is missing: the plugin was never built. %s'):format(M.paths.lib, fix_hint()))
  end
  define_types(read_cdef())
  local ok, lib = pcall(ffi.load, M.paths.lib)
  if not ok then
    local why = tostring(lib)
    local arch = ''
    if why:find('ELF') or why:find('architecture') or why:find('wrong') then
      arch = (' It looks built for another architecture (this Neovim is %s/%s).'):format(jit.os, jit.arch)
    end
    fail(('cannot load %s: %s.%s %s'):format(M.paths.lib, why, arch, fix_hint()))
  end
  local ok_abi, abi = pcall(function()
    return lib.chr_abi_version()
  end)
  if not ok_abi then
    fail(('%s does not export chr_abi_version: it is stale or not chronicle. %s'):format(M.paths.lib, fix_hint()))
  end
  state.lib_abi = tonumber(abi)
  if state.header_abi and state.lib_abi ~= state.header_abi then
    fail(('%s is stale: ABI %d, but lib/include/chronicle.h declares ABI %d. %s'):format(
      M.paths.lib,
      state.lib_abi,
      state.header_abi,
      fix_hint()
    ))
  end
  state.fields.event_place = has_field('chr_event_view', 'place')
  state.fields.event_status = has_field('chr_event_view', 'status')
  state.fields.event_date_source = has_field('chr_event_view', 'date_source')
  state.lib = lib
  return lib
end

--- The engine, created on first use and kept for the session (loading the
--- knowledge base is the expensive part, ~50 ms).
function M.engine()
  if state.engine then
    return state.engine
  end
  local lib = M.lib()
  local err = ffi.new('chr_error[1]')
  local e = lib.chr_engine_new(M.paths.data, err)
  if e == nil then
    fail(('the engine could not start from %s: %s. Is the data/ folder of the plugin complete? %s'):format(
      M.paths.data,
      ffi.string(err[0].message),
      fix_hint()
    ))
  end
  -- Kept for the life of the process and deliberately never freed: worker
  -- threads (annotate_async) may still be using it while Neovim exits.
  state.engine = e
  return state.engine
end

local function str(p)
  if p == nil then
    return nil
  end
  return ffi.string(p)
end

local tview, eview, vview, kview, opts, errbuf

local function views()
  if not tview then
    tview = ffi.new('chr_timex_view[1]')
    eview = ffi.new('chr_entity_view[1]')
    vview = ffi.new('chr_event_view[1]')
    opts = ffi.new('chr_options[1]')
    errbuf = ffi.new('chr_error[1]')
  end
end

-- An optional event field that may be a string or an index into the
-- entities (a later header decides); nil when absent.
local function entity_ref(v, ents)
  if v == nil then
    return nil
  end
  if type(v) == 'number' or (type(v) == 'cdata' and ffi.istype('int64_t', v)) then
    local i = tonumber(v)
    return (i and i >= 0 and ents[i + 1]) and ents[i + 1].id or nil
  end
  return str(v)
end

-- chr_result* → the doc table of chronicle.core. Does not free `r`. `hook`
-- (optional) is called every 256 mentions: the caller may yield there.
local function convert(lib, r, hook)
  local doc = {
    lang = str(lib.chr_result_lang(r)),
    dct = str(lib.chr_result_dct(r)),
    dct_source = str(lib.chr_result_dct_source(r)),
    entities = {},
    timexes = {},
    events = {},
    invalid = {},
  }
  local ents = doc.entities
  for i = 0, tonumber(lib.chr_result_count(r, 0)) - 1 do
    if hook and i % 256 == 255 then
      hook()
    end
    if lib.chr_result_entity(r, i, eview) == 0 then
      local v = eview[0]
      ents[#ents + 1] = {
        start = tonumber(v.start),
        stop = tonumber(v['end']),
        text = str(v.text),
        type = str(v.type),
        id = str(v.id),
        name = str(v.name),
        source = str(v.source),
      }
    end
  end
  local tx = doc.timexes
  for i = 0, tonumber(lib.chr_result_count(r, 1)) - 1 do
    if hook and i % 256 == 255 then
      hook()
    end
    if lib.chr_result_timex(r, i, tview) == 0 then
      local v = tview[0]
      tx[#tx + 1] = {
        start = tonumber(v.start),
        stop = tonumber(v['end']),
        text = str(v.text),
        type = str(v.type),
        value = str(v.value),
        mod = str(v.mod),
        end_value = str(v.end_value),
      }
    end
  end
  local evs = doc.events
  local f = state.fields
  for i = 0, tonumber(lib.chr_result_count(r, 2)) - 1 do
    if hook and i % 256 == 255 then
      hook()
    end
    if lib.chr_result_event(r, i, vview) == 0 then
      local v = vview[0]
      local actors = {}
      for a = 0, tonumber(v.n_actors) - 1 do
        actors[#actors + 1] = str(v.actors[a])
      end
      local t = tonumber(v.timex)
      evs[#evs + 1] = {
        start = tonumber(v.start),
        stop = tonumber(v['end']),
        trigger = str(v.trigger),
        type = str(v.type),
        label = str(v.label),
        date = str(v.date),
        -- the C index is 0-based; Lua tables are 1-based
        timex = (t and t >= 0) and (t + 1) or nil,
        sentence = { tonumber(v.sentence_start), tonumber(v.sentence_end) },
        actors = actors,
        place = f.event_place and entity_ref(v.place, ents) or nil,
        status = f.event_status and str(v.status) or nil,
        date_source = f.event_date_source and str(v.date_source) or nil,
      }
    end
  end
  local n_invalid = tonumber(lib.chr_result_invalid_count(r))
  if n_invalid > 0 then
    local s, e = ffi.new('size_t[1]'), ffi.new('size_t[1]')
    for i = 0, n_invalid - 1 do
      if lib.chr_result_invalid_range(r, i, s, e) == 0 then
        doc.invalid[#doc.invalid + 1] = { tonumber(s[0]), tonumber(e[0]) }
      end
    end
  end
  return doc
end

-- Converts and frees a result, freeing it even if conversion raises.
local function take(lib, r)
  local ok, doc = pcall(convert, lib, r)
  lib.chr_result_free(r)
  if not ok then
    error(doc, 0)
  end
  return doc
end

--- Gives back the working memory the engine keeps between annotations
--- (chronicle.h: chr_engine_trim). Cheap; nothing to do before the engine
--- has started.
function M.trim()
  if state.engine ~= nil and state.lib then
    state.lib.chr_engine_trim(state.engine)
  end
end

--- Annotates `text` (a Lua string) on this thread. `o.dct` ("YYYY-MM-DD")
--- and `o.lang` are optional. Returns the doc table of chronicle.core
--- (byte offsets, 0-based, `stop` exclusive); rows are added by the caller.
function M.annotate(text, o)
  o = o or {}
  local lib = M.lib()
  local engine = M.engine()
  views()
  -- the Lua strings stay referenced by `o` for the duration of the call
  opts[0].dct = o.dct
  opts[0].lang = o.lang
  local r = lib.chr_annotate(engine, text, #text, opts, errbuf)
  opts[0].dct = nil
  opts[0].lang = nil
  if r == nil then
    error('chronicle: annotate failed: ' .. ffi.string(errbuf[0].message), 0)
  end
  return take(lib, r)
end

-- Runs in a libuv worker thread, in a separate Lua state: no upvalues, no
-- `vim`, nothing shared but the arguments. The engine is read-only and safe
-- to share between threads (chronicle.h); the result pointer comes back as a
-- number and is converted and freed on the main thread. Nothing calls back
-- into the main Lua state from this thread.
local function worker(text, dct, lang, libpath, cdef, engine_addr)
  local ffi_ = require('ffi')
  if not pcall(ffi_.typeof, 'chr_entity_view') then
    ffi_.cdef(cdef)
  end
  -- worker states are reused per thread: load the library once per state
  local lib = rawget(_G, '__chronicle_lib')
  if not lib then
    lib = ffi_.load(libpath)
    rawset(_G, '__chronicle_lib', lib)
  end
  local engine = ffi_.cast('const chr_engine *', ffi_.cast('uintptr_t', engine_addr))
  local o = ffi_.new('chr_options[1]')
  o[0].dct = dct ~= '' and dct or nil
  o[0].lang = lang ~= '' and lang or nil
  local err = ffi_.new('chr_error[1]')
  local r = lib.chr_annotate(engine, text, #text, o, err)
  if r == nil then
    return 0, ffi_.string(err[0].message)
  end
  return tonumber(ffi_.cast('uintptr_t', r)), ''
end

local async_ok

--- Whether annotate_async can run (luv work threads with FFI).
function M.async_supported()
  if async_ok == nil then
    local uv = vim and (vim.uv or vim.loop)
    async_ok = uv ~= nil and type(uv.new_work) == 'function' and type(string.dump) == 'function'
  end
  return async_ok
end

--- Annotates `text` on a libuv worker thread; `cb(handle, err)` runs later
--- on the main loop (a fast context: callers vim.schedule before touching
--- the editor). `handle.convert(hook)` gives the doc, `handle.free()` frees
--- the C result. The engine is created here first, on the main thread.
function M.annotate_async(text, o, cb)
  o = o or {}
  local lib = M.lib()
  local engine = M.engine()
  views()
  local uv = vim.uv or vim.loop
  local addr = tonumber(ffi.cast('uintptr_t', engine))
  local work = uv.new_work(worker, function(raddr, msg)
    if not raddr or raddr == 0 then
      cb(nil, 'chronicle: annotate failed: ' .. tostring(msg))
      return
    end
    -- a handle, not a doc: the caller converts it on the main thread in
    -- slices (convert(hook) may yield) and frees it; the GC frees it if the
    -- caller drops it (a stale result)
    local r = ffi.gc(ffi.cast('chr_result *', ffi.cast('uintptr_t', raddr)), lib.chr_result_free)
    local handle = {}
    function handle.convert(hook)
      return convert(lib, r, hook)
    end
    function handle.free()
      if r ~= nil then
        ffi.gc(r, nil)
        lib.chr_result_free(r)
        r = nil
      end
    end
    cb(handle, nil)
  end)
  work:queue(text, o.dct or '', o.lang or '', M.paths.lib, state.cdef, addr)
end

--- The SPEC §3 JSON of `text`, straight from the library (for tests and
--- export cross-checks; the editor itself never needs it).
function M.annotate_json(text, o)
  o = o or {}
  local lib = M.lib()
  local engine = M.engine()
  local op = ffi.new('chr_options[1]')
  op[0].dct = o.dct
  op[0].lang = o.lang
  local err = ffi.new('chr_error[1]')
  local r = lib.chr_annotate(engine, text, #text, op, err)
  if r == nil then
    error('chronicle: annotate failed: ' .. ffi.string(err[0].message), 0)
  end
  local n = ffi.new('size_t[1]')
  local p = lib.chr_result_json(r, n)
  local s = p ~= nil and ffi.string(p, n[0]) or nil
  lib.chr_result_free(r)
  return s
end

local kb_cache = {}

--- What the knowledge base knows of an entity id: a table, or nil when the
--- id is not in it (names found by rule). Cached: hover cards ask often.
function M.entity(id)
  if not id then
    return nil
  end
  local hit = kb_cache[id]
  if hit ~= nil then
    return hit or nil
  end
  local lib = M.lib()
  local engine = M.engine()
  kview = kview or ffi.new('chr_kb_view[1]')
  if lib.chr_engine_entity(engine, id, kview) ~= 0 then
    kb_cache[id] = false
    return nil
  end
  local v = kview[0]
  local function s(p)
    local x = str(p)
    return (x and x ~= '') and x or nil
  end
  local function names(p)
    local out = {}
    local x = s(p)
    if x then
      for n in x:gmatch('[^|]+') do
        out[#out + 1] = n
      end
    end
    return out
  end
  local t = {
    id = s(v.id),
    type = s(v.type),
    name = s(v.name),
    names = { en = names(v.names_en), zh = names(v.names_zh), vi = names(v.names_vi) },
    description = s(v.description),
    from = s(v.from),
    to = s(v.to),
    country = s(v.country),
  }
  kb_cache[id] = t
  return t
end

--- M.entity that never raises (a missing .so gives nil): for cards, names
--- and exports, which draw what they have.
function M.try_entity(id)
  local ok, v = pcall(M.entity, id)
  return ok and v or nil
end

function M.entity_count()
  return tonumber(M.lib().chr_engine_entity_count(M.engine()))
end

function M.version()
  return str(M.lib().chr_version())
end

------------------------------------------------------------------------------
-- the folder index (chr_index_*): thin wrappers, no policy. chronicle.index
-- decides when to open, start, poll and free; everything here runs on the
-- main thread, and nothing in the library calls back into Lua.

M.INDEX_STATES = {
  [0] = 'idle',
  [1] = 'scanning',
  [2] = 'running',
  [3] = 'saving',
  [4] = 'ready',
  [5] = 'watching',
  [6] = 'cancelled',
  [7] = 'failed',
}

local progress_buf

--- Whether the loaded library has the folder index (feature check).
function M.has_index()
  local lib = M.lib()
  return pcall(function()
    return lib.chr_index_open ~= nil and lib.chr_index_progress_get ~= nil
  end) and pcall(ffi.typeof, 'chr_index_progress')
end

--- Opens (or creates) the index kept in `cache_path`; returns the handle
--- (freed by the GC if dropped; chronicle.index frees it explicitly).
function M.index_open(cache_path)
  local lib = M.lib()
  local engine = M.engine()
  if not M.has_index() then
    fail(('%s has no folder index (chr_index_open): it is older than the plugin. %s'):format(M.paths.lib, fix_hint()))
  end
  local err = ffi.new('chr_error[1]')
  local ix = lib.chr_index_open(engine, cache_path, err)
  if ix == nil then
    fail(('cannot open the folder index %s: %s'):format(cache_path, ffi.string(err[0].message)))
  end
  return ffi.gc(ix, lib.chr_index_free)
end

--- Starts indexing `dir` in the background. `o.extensions` ("md,txt"),
--- `o.max_bytes`, `o.watch`. Returns true, or false and a message.
function M.index_start(ix, dir, o)
  o = o or {}
  local lib = M.lib()
  local opt = ffi.new('chr_index_options[1]')
  local ext = o.extensions -- kept referenced until the call returns (copied by the library)
  opt[0].extensions = ext
  opt[0].max_bytes = o.max_bytes or 0
  opt[0].watch = o.watch and 1 or 0
  local rc = lib.chr_index_start(ix, dir, opt)
  if rc ~= 0 then
    local p = M.index_progress(ix)
    local why = p.message ~= '' and p.message or str(lib.chr_status_message(rc))
    return false, why
  end
  return true
end

--- The progress counters as a Lua table (state as a name and a number).
function M.index_progress(ix)
  local lib = M.lib()
  progress_buf = progress_buf or ffi.new('chr_index_progress[1]')
  if lib.chr_index_progress_get(ix, progress_buf) ~= 0 then
    return nil
  end
  local p = progress_buf[0]
  local state = tonumber(p.state)
  return {
    state = M.INDEX_STATES[state] or tostring(state),
    code = state,
    files_total = tonumber(p.files_total),
    files_done = tonumber(p.files_done),
    files_reused = tonumber(p.files_reused),
    files_skipped = tonumber(p.files_skipped),
    files_failed = tonumber(p.files_failed),
    bytes_done = tonumber(p.bytes_done),
    generation = tonumber(p.generation),
    message = ffi.string(p.message),
  }
end

function M.index_cancel(ix)
  return M.lib().chr_index_cancel(ix) == 0
end

--- Writes the cache now (temporary file, then rename). Returns true, or
--- false and a message.
function M.index_save(ix)
  local err = ffi.new('chr_error[1]')
  if M.lib().chr_index_save(ix, err) ~= 0 then
    return false, ffi.string(err[0].message)
  end
  return true
end

--- Stops the background work (joining its thread) and frees the index.
function M.index_free(ix)
  if ix ~= nil then
    ffi.gc(ix, nil)
    M.lib().chr_index_free(ix)
  end
end

-- a JSON answer of the library, copied into a Lua string and freed
local function take_json(lib, p, n)
  if p == nil then
    return nil
  end
  local s = ffi.string(p, n[0])
  lib.chr_free(p)
  return s
end

-- Runs in a libuv worker thread, in a separate Lua state (no upvalues, no
-- `vim`): opens an index (op "open": `ptr` is the engine, `a` the cache
-- path; returns the chr_index* as a number) or asks one (`ptr` the index)
-- and trims the answer with chronicle.core (loaded from `core_path`), so a
-- 60 MB answer never reaches the editor's thread. Returns 0 and a message,
-- or a non-zero number and the result. Nothing here calls back into the
-- main Lua state.
local function index_worker(op, libpath, cdef, ptr, core_path, a, b, c, how)
  -- luv passes at most 9 arguments to a thread: the limits and the paths
  -- to leave out come in one string, "MAX_FILES MAX_EVENTS BUDGET\nPATH\n…"
  local max1, max2, budget, skip = how:match('^(%d+) (%d+) (%d+)\n?(.*)$')
  max1, max2, budget = tonumber(max1) or 0, tonumber(max2) or 0, tonumber(budget) or 0
  skip = skip or ''
  local ffi_ = require('ffi')
  if not pcall(ffi_.typeof, 'chr_entity_view') then
    ffi_.cdef(cdef)
  end
  local lib = rawget(_G, '__chronicle_lib')
  if not lib then
    lib = ffi_.load(libpath)
    rawset(_G, '__chronicle_lib', lib)
  end
  if op == 'open' then
    local engine = ffi_.cast('const chr_engine *', ffi_.cast('uintptr_t', ptr))
    local err = ffi_.new('chr_error[1]')
    local ix = lib.chr_index_open(engine, a, err)
    if ix == nil then
      return 0, ffi_.string(err[0].message)
    end
    return tonumber(ffi_.cast('uintptr_t', ix)), ''
  end
  local ix = ffi_.cast('chr_index *', ffi_.cast('uintptr_t', ptr))
  local n = ffi_.new('size_t[1]')
  local function opt(x)
    return x ~= '' and x or nil
  end
  -- the library stops its lists at a limit (0: none); left-out files may
  -- take places in them, so it is asked for as many more
  local nskip = select(2, skip:gsub('[^\n]+', ''))
  local p
  if op == 'entity' then
    local limit = (max1 > 0 and max2 > 0) and math.max(max1 + nskip, max2) or 0
    p = lib.chr_index_entity(ix, a, limit, n)
  elseif op == 'related' then
    -- b is "LINE" or "LINE BYTE": the byte picks the event in a long line
    local line, byte = b:match('^(%-?%d+)%s*(%-?%d*)$')
    p = lib.chr_index_related(ix, a, tonumber(line) or 0, tonumber(byte) or -1, max2, n)
  elseif op == 'timeline' then
    p = lib.chr_index_timeline(ix, opt(a), opt(b), opt(c), max2, n)
  elseif op == 'files' then
    p = lib.chr_index_files(ix, n)
  else
    return 0, 'unknown index query ' .. tostring(op)
  end
  if p == nil then
    return 0, 'the index gave no answer'
  end
  local s = ffi_.string(p, n[0])
  lib.chr_free(p)
  if op == 'files' then
    return 1, s
  end
  local core = rawget(_G, '__chronicle_core')
  if not core then
    core = dofile(core_path)
    rawset(_G, '__chronicle_core', core)
  end
  local set = {}
  for path in skip:gmatch('[^\n]+') do
    set[path] = true
  end
  local function read(path)
    local f = io.open(path, 'rb')
    if not f then
      return nil
    end
    local t = f:read('*a')
    f:close()
    return t
  end
  local o = {
    skip = set,
    max_files = max1 > 0 and max1 or nil,
    max_events = max2 > 0 and max2 or nil,
    locate = budget > 0 and core.file_locator(read, budget) or nil,
  }
  if op == 'entity' then
    s = core.trim_entity_answer(s, o)
  elseif op == 'related' then
    s = core.trim_related_answer(s, o)
  else
    s = core.trim_timeline_answer(s, o)
  end
  return 1, s
end

M.paths.core = M.root .. '/lua/chronicle/core.lua'

--- Opens an index (op "open", q.cache) or asks it (op "entity" q.id,
--- "related" q.path q.line, "timeline" q.from q.to q.actor, "files") on a
--- libuv worker thread, the answer trimmed there (q.skip: paths to leave
--- out; q.max_files, q.max_events; q.budget: bytes of files read to place
--- events). `cb(result, err)` runs later on the main loop (a fast context):
--- for "open" the chr_index* (GC-freed), else the JSON text. Without
--- worker threads it runs here, at once.
function M.index_async(op, ix, q, cb)
  q = q or {}
  local lib = M.lib()
  local ptr, a, b, c
  if op == 'open' then
    ptr = tonumber(ffi.cast('uintptr_t', M.engine()))
    a = q.cache
  else
    ptr = tonumber(ffi.cast('uintptr_t', ix))
    if op == 'entity' then
      a = q.id
    elseif op == 'related' then
      a, b = q.path, tostring(q.line or 0) .. (q.byte and (' ' .. tostring(q.byte)) or '')
    elseif op == 'timeline' then
      a, b, c = q.from, q.to, q.actor
    end
  end
  local how = ('%d %d %d\n%s'):format(q.max_files or 0, q.max_events or 0, q.budget or 0, table.concat(q.skip or {}, '\n'))
  local function done(rc, s)
    if not rc or rc == 0 then
      cb(nil, s ~= '' and s or 'failed')
    elseif op == 'open' then
      cb(ffi.gc(ffi.cast('chr_index *', ffi.cast('uintptr_t', rc)), lib.chr_index_free), nil)
    else
      cb(s, nil)
    end
  end
  local args = { op, M.paths.lib, state.cdef, ptr, M.paths.core, a or '', b or '', c or '', how }
  if not M.async_supported() then
    done(index_worker(unpack(args)))
    return
  end
  local uv = vim.uv or vim.loop
  uv.new_work(index_worker, done):queue(unpack(args))
end

--- The JSON text of an index query: `kind` is "files", "entity" (id or
--- name), "related" (path, line) or "timeline" (from, to, actor; each
--- optional). nil when the library answers nothing.
function M.index_query(ix, kind, a, b, c)
  local lib = M.lib()
  local n = ffi.new('size_t[1]')
  if kind == 'files' then
    return take_json(lib, lib.chr_index_files(ix, n), n)
  elseif kind == 'entity' then
    return take_json(lib, lib.chr_index_entity(ix, a, 0, n), n)
  elseif kind == 'related' then
    return take_json(lib, lib.chr_index_related(ix, a, b, -1, 0, n), n)
  elseif kind == 'timeline' then
    return take_json(lib, lib.chr_index_timeline(ix, a, b, c, 0, n), n)
  end
  error('chronicle: unknown index query ' .. tostring(kind), 0)
end

--- A non-raising summary for :checkhealth and :Chronicle status.
function M.status()
  local s = {
    root = M.root,
    lib_path = M.paths.lib,
    lib_exists = file_exists(M.paths.lib),
    header_path = M.paths.header,
    data_path = M.paths.data,
    has_ffi = ok_ffi,
  }
  local ok, err = pcall(M.lib)
  s.loaded = ok
  s.error = not ok and err or nil
  s.header_abi = state.header_abi
  s.lib_abi = state.lib_abi
  if ok then
    s.version = M.version()
    local ok_e, err_e = pcall(M.engine)
    s.engine = ok_e
    s.engine_error = not ok_e and err_e or nil
    if ok_e then
      s.entity_count = M.entity_count()
    end
  end
  return s
end

return M
