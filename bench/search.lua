-- wrk script: catalogue searches drawn at random from 50 realistic ones (free text, filters,
-- sort orders, pages and reader languages) over the data of bench/generate.sh. Non-ASCII
-- characters are percent-encoded: with "q=construcción" as raw UTF-8, wrk 4.1 sometimes stopped
-- at start with "invalid URL at 1:42", the position of the "ó".
--
-- With BENCH_SEARCH_UNIQUE=yes every request also gets a max_hours above any generated workload
-- and a per_page from 20 to 30, counted up from a random start, so no two requests of a run
-- (and almost never two of different runs) share a key of the backend's response cache. Run
-- with one connection, that measures the latency of searches that miss the cache.
--
-- done() prints "search-percentile P MILLISECONDS" for P = 50, 95 and 99 and
-- "search-errors N" (status 400 and above, socket errors and timeouts), which bench/run.sh reads.

local searches = {
	"q=glulam", "q=timber", "q=kiln", "q=upholstery", "q=insulation", "q=heat+pump",
	"q=veneering", "q=scaffolding", "q=glaze", "q=CNC", "q=wood", "q=ceramic",
	"q=roofing&eqf=4", "q=timber&eqf=5&participation=onsite", "q=kiln&country=IT",
	"q=furniture&language=de", "q=energy+retrofit&sort=newest", "q=passive+house&eqf=6",
	"q=joinery&min_hours=30", "q=masonry&participation=blended", "q=timber&page=2",
	"q=timber&page=3", "q=restoration&sort=title", "q=insulation&lang=de", "q=glulam&lang=es",
	"q=Holzbau", "q=construcci%C3%B3n&lang=es", "q=airtightness&country=AT",
	"q=demolition&eqf=3&sort=workload", "q=slip+casting", "q=photovoltaic&participation=online",
	"q=stair+building&country=ES", "q=chair+making&eqf=4", "q=sawmill&page=2",
	"q=green+roofs&language=en", "q=BIM+coordination", "q=lacquer&min_hours=40",
	"q=straw+bale", "q=tile&country=PT",
	"eqf=4", "eqf=5&country=ES", "participation=online&eqf=3", "country=DE&sort=newest",
	"language=es&eqf=6", "min_hours=60&participation=blended", "sort=workload&page=2",
	"country=AT&participation=onsite", "page=5", "sort=newest", "eqf=7&lang=de",
}

local unique = os.getenv("BENCH_SEARCH_UNIQUE") == "yes"
local counter = 0
local start = 0

-- setup() runs once per wrk thread in the main Lua state, so each thread gets its own number.
local threads_set_up = 0
function setup(thread)
	threads_set_up = threads_set_up + 1
	thread:set("thread_number", threads_set_up)
end

function init(args)
	math.randomseed(os.time() * 1000 + (thread_number or 0))
	start = math.random(0, 100000)
end

function request()
	local path = "/api/v1/microcredentials?" .. searches[math.random(#searches)]
	if unique then
		counter = counter + 1
		local n = start + counter * 4 + (thread_number or 0)
		path = path .. "&max_hours=" .. (1000 + n % 9000) .. "&per_page=" .. (20 + math.floor(n / 9000) % 11)
	end
	return wrk.format(nil, path)
end

function done(summary, latency, requests)
	for _, p in ipairs({ 50, 95, 99 }) do
		io.write(string.format("search-percentile %d %.2f\n", p, latency:percentile(p) / 1000))
	end
	local e = summary.errors
	io.write(string.format("search-errors %d\n", e.status + e.connect + e.read + e.write + e.timeout))
end
