-- wrk script: each request fetches BENCH_PREFIX .. ID, with ID drawn at random from the file
-- BENCH_IDS (one certificate id a line). bench/run.sh sets both variables.

local prefix = os.getenv("BENCH_PREFIX") or "/api/v1/verify/"
local ids_path = os.getenv("BENCH_IDS")
assert(ids_path, "BENCH_IDS must name a file of certificate ids, one a line")

local ids = {}
local file = assert(io.open(ids_path, "r"))
for line in file:lines() do
	if line ~= "" then
		ids[#ids + 1] = line
	end
end
file:close()
assert(#ids > 0, "no certificate id in " .. ids_path)

-- setup() runs once per wrk thread in the main Lua state; each thread gets its own number, so
-- the threads draw different sequences of ids.
local threads_set_up = 0
function setup(thread)
	threads_set_up = threads_set_up + 1
	thread:set("thread_number", threads_set_up)
end

function init(args)
	math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function request()
	return wrk.format(nil, prefix .. ids[math.random(#ids)])
end
