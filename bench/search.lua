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
-- With BENCH_SEARCH_MIX=distinct every request is drawn instead from random combinations of a
-- search word (or none), filters, a sort order, a page from 1 to 5 and a reader language, so most
-- requests of a run are distinct and miss the response cache, as new searches from many readers
-- would. done() then also prints "search-distinct-share S", the share of requests whose path their
-- wrk thread had not sent before in the run (repeats across threads count as distinct).
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
local distinct_mix = os.getenv("BENCH_SEARCH_MIX") == "distinct"

local words = {
	"glulam", "timber", "kiln", "upholstery", "insulation", "heat+pump", "veneering", "scaffolding",
	"glaze", "CNC", "wood", "ceramic", "roofing", "joinery", "masonry", "restoration", "Holzbau",
	"airtightness", "demolition", "photovoltaic", "sawmill", "lacquer", "tile", "furniture",
}
local countries = { "AT", "BE", "DE", "ES", "FR", "IT", "PT", "NL", "PL", "SE" }
local languages = { "en", "de", "es", "fr", "it", "pt" }
local participation_forms = { "online", "onsite", "blended" }
local sorts = { "title", "newest", "workload" }
local sent = {}
-- Globals, so that done() can read them with thread:get.
sent_count = 0
distinct_count = 0

-- Returns "name=value&" with probability chance, else "".
local function maybe(chance, name, value)
	if math.random() < chance then
		return name .. "=" .. value .. "&"
	end
	return ""
end

local function distinct_search()
	local query = maybe(0.5, "q", words[math.random(#words)])
		.. maybe(0.3, "eqf", math.random(2, 7))
		.. maybe(0.2, "country", countries[math.random(#countries)])
		.. maybe(0.2, "language", languages[math.random(#languages)])
		.. maybe(0.2, "participation", participation_forms[math.random(#participation_forms)])
		.. maybe(0.2, "min_hours", 10 * math.random(1, 6))
		.. maybe(0.3, "sort", sorts[math.random(#sorts)])
		.. maybe(0.3, "lang", languages[math.random(#languages)])
	return query .. "page=" .. math.random(1, 5)
end
local counter = 0
local start = 0

-- setup() runs once per wrk thread in the main Lua state, so each thread gets its own number.
local threads_set_up = 0
local wrk_threads = {}
function setup(thread)
	threads_set_up = threads_set_up + 1
	thread:set("thread_number", threads_set_up)
	table.insert(wrk_threads, thread)
end

function init(args)
	math.randomseed(os.time() * 1000 + (thread_number or 0))
	start = math.random(0, 100000)
end

function request()
	if distinct_mix then
		local path = "/api/v1/microcredentials?" .. distinct_search()
		sent_count = sent_count + 1
		if not sent[path] then
			sent[path] = true
			distinct_count = distinct_count + 1
		end
		return wrk.format(nil, path)
	end
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
	if distinct_mix then
		local total, distinct = 0, 0
		for _, thread in ipairs(wrk_threads) do
			total = total + (thread:get("sent_count") or 0)
			distinct = distinct + (thread:get("distinct_count") or 0)
		end
		io.write(string.format("search-distinct-share %.2f\n", total > 0 and distinct / total or 0))
	end
	local e = summary.errors
	io.write(string.format("search-errors %d\n", e.status + e.connect + e.read + e.write + e.timeout))
end
