-- wrk script for `manage.py bench` (ballots/bench/wrk.py runs it): non-pausing tablets casting
-- one ballot per card through the voting API, from `wrk -t T -c C`.
--
-- Thread n casts cards n, n+T, n+2T… of $BENCH_CODES over its C/T connections. delay() lets a
-- connection send only while the thread has a card left for it, and parks it after. When the
-- thread has an answer for every ballot it sent, it writes what it saw to
-- $BENCH_OUT/thread-<n>.txt (renamed into place whole) and stops; the bench then sends wrk
-- SIGINT, since wrk's main thread would otherwise sleep the whole -d.
--
-- Each answer is noted with its status and the time it came, on CLOCK_MONOTONIC (LuaJIT's ffi),
-- the clock the hall screens are timed by. Latencies come from wrk's own histogram, which times
-- each request on its connection; but wrk "corrects" it for coordinated omission before done()
-- (stats_correct: for every latency of at least 2e it adds samples at latency - e, - 2e, … while
-- above e, e being the run's mean time per request and connection), inventing samples a closed
-- loop never had. done() undoes that exactly (for m > e, raw[m] = corrected[m] - corrected[m+e])
-- and writes the raw histogram to $BENCH_OUT/latency.txt, after checking it reads wrk's counts
-- right; otherwise it writes nothing and the bench says it has no latencies.

local ffi = require("ffi")
ffi.cdef([[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clock, struct bench_timespec *now);
typedef struct { uint64_t count, limit, min, max; uint64_t data[]; } bench_stats;
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("struct bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local function split(text, separator)
  local parts = {}
  for part in string.gmatch(text or "", "[^" .. separator .. "]+") do
    parts[#parts + 1] = part
  end
  return parts
end

local function save(path, lines)
  local file = io.open(path .. ".part", "w")
  file:write(table.concat(lines, "\n"), "\n")
  file:close()
  os.rename(path .. ".part", path)
end

-- Setup (wrk's main Lua state): number the threads, spread them over the servers' ports.

local threads = {}

function setup(thread)
  local ports = split(os.getenv("BENCH_PORTS"), ",")
  local number = #threads
  thread:set("thread_number", number)
  thread.addr = wrk.lookup("127.0.0.1", ports[(number % #ports) + 1])[1]
  threads[#threads + 1] = thread
end

-- Running (each thread's own Lua state).

local cards, items, options, path = {}, {}, {}, ""
local next_card = 1 -- the next card to cast
local granted = 0 -- cards delay() has let go whose request() has not come yet
local delays = 0 -- delay() calls: none yet means request() is wrk checking the script
local in_flight = 0 -- requests sent and not yet answered (or lost)
local fillers = 0 -- status requests sent in place of a ballot (see request())
bench_started = nil -- when the first ballot went out (a global, for done())
bench_lines = {} -- "status answered", one per ballot answered (a global, for done())

function init(args)
  local count = tonumber(os.getenv("BENCH_THREADS"))
  local index = 0
  for line in io.lines(os.getenv("BENCH_CODES")) do
    if index % count == thread_number then
      cards[#cards + 1] = line
    end
    index = index + 1
  end
  items = split(os.getenv("BENCH_ITEMS"), ",")
  options = split(os.getenv("BENCH_OPTIONS"), ",")
  path = "/api/v1/rounds/" .. os.getenv("BENCH_ROUND")
  math.randomseed(os.time() * 1000 + thread_number)
end

local function ballot(card)
  local marks = {}
  for i, item in ipairs(items) do
    marks[i] = '"' .. item .. '":"' .. options[math.random(#options)] .. '"'
  end
  local body = '{"choices":{' .. table.concat(marks, ",") .. "}}"
  local headers = {
    ["Authorization"] = "Bearer " .. card,
    ["Idempotency-Key"] = string.sub(card, -8),
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", path .. "/ballots", headers, body)
end

local function cast()
  local card = cards[next_card]
  next_card = next_card + 1
  in_flight = in_flight + 1
  bench_started = bench_started or now()
  return ballot(card)
end

function delay()
  delays = delays + 1
  if next_card + granted <= #cards then
    granted = granted + 1
    return 0
  end
  return 3600 * 1000 -- no card left for this connection: park it (the thread stops soon)
end

function request()
  if granted > 0 then
    granted = granted - 1
    return cast()
  end
  if delays == 0 then
    return ballot(cards[1]) -- wrk checking the script at start-up (thread 0): not sent
  end
  -- wrk reconnected after a connection broke: the ballot it carried got no answer (which one is
  -- not known here). Send another card, or, with none left, the round's status in its place.
  bench_lines[#bench_lines + 1] = string.format("599 %.6f", now())
  in_flight = in_flight - 1
  if next_card + granted <= #cards then
    return cast()
  end
  fillers = fillers + 1
  in_flight = in_flight + 1
  return wrk.format("GET", path)
end

local function finish()
  save(os.getenv("BENCH_OUT") .. "/thread-" .. thread_number .. ".txt", bench_lines)
  bench_finished = true -- a global, for done()
  wrk.thread:stop()
end

function response(status, headers, body)
  in_flight = in_flight - 1
  if fillers > 0 and string.find(body, '"seats"', 1, true) then
    fillers = fillers - 1 -- the answer to a status request sent in place of a ballot
  else
    bench_lines[#bench_lines + 1] = string.format("%d %.6f", status, now())
  end
  if in_flight == 0 and next_card > #cards then
    finish()
  end
end

-- Done (main state again).

local function raw_latencies(summary, latency)
  -- wrk's histogram (µs -> count), read in place, and its correction undone.
  local s = ffi.cast("bench_stats **", latency)[0]
  local low, high = tonumber(s.min), tonumber(s.max)
  if low ~= latency.min or high ~= latency.max then
    return nil -- not the layout this script knows
  end
  local total = 0
  for m = low, high do
    total = total + tonumber(s.data[m])
  end
  if total ~= tonumber(s.count) then
    return nil
  end
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS"))
  local per = math.floor(summary.requests / connections)
  local e = per > 0 and math.floor(summary.duration / per) or math.huge
  local lines, counted = {}, 0
  for m = low, high do
    local raw = tonumber(s.data[m])
    if m > e and m + e <= high then
      raw = raw - tonumber(s.data[m + e])
    end
    if raw < 0 then
      return nil
    end
    if raw > 0 then
      lines[#lines + 1] = m .. " " .. raw
      counted = counted + raw
    end
  end
  if counted ~= summary.requests then
    return nil
  end
  return lines
end

function done(summary, latency, requests)
  local out = os.getenv("BENCH_OUT")
  local finished = 0
  for _, thread in ipairs(threads) do
    if thread:get("bench_finished") then
      finished = finished + 1
    else -- stopped at the deadline: keep the answers it had
      save(out .. "/thread-" .. thread:get("thread_number") .. ".txt", thread:get("bench_lines"))
    end
  end
  local started = math.huge
  for _, thread in ipairs(threads) do
    started = math.min(started, thread:get("bench_started") or math.huge)
  end
  if started == math.huge then
    started = 0 -- no ballot went out at all
  end
  local lines = raw_latencies(summary, latency)
  if lines ~= nil then
    save(out .. "/latency.txt", lines)
  end
  local e = summary.errors
  io.write(string.format(
    'bench-wrk: {"threads": %d, "finished": %d, "requests": %d, "started": %.6f, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    #threads, finished, summary.requests, started, e.connect, e.read, e.write, e.timeout
  ))
end
