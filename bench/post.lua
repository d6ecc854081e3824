-- wrk script: every request is a POST of the JSON body in the file BENCH_BODY, with the headers
-- Cookie (BENCH_COOKIE) and X-CSRF-Token (BENCH_CSRF) when those variables are set. Any
-- "{n}" in the body becomes a number unique to this thread and request. bench/run.sh sets them.

local body_path = os.getenv("BENCH_BODY")
assert(body_path, "BENCH_BODY must name a file with the JSON body")
local file = assert(io.open(body_path, "r"))
local template = file:read("*a")
file:close()

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("BENCH_COOKIE") then
	wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
end
if os.getenv("BENCH_CSRF") then
	wrk.headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")
end

local threads_set_up = 0
function setup(thread)
	threads_set_up = threads_set_up + 1
	thread:set("thread_number", threads_set_up)
end

local counter = 0
function request()
	counter = counter + 1
	local body = template:gsub("{n}", tostring((thread_number or 0) * 100000000 + counter))
	return wrk.format(nil, nil, nil, body)
end
