-- wrk script of bench/usage.sh: POSTs batches of usage events to /v1/usage, every event new.
-- Usage: wrk ... -s bench/usage.lua <url> -- <run> <customers> <customer prefix> <spread> [batch size]
--   run         a word unique to this run: idempotency keys are <run>-<thread>-<request>-<event>,
--               so no key is ever sent twice, across threads, requests and runs
--   customers   how many customers <customer prefix>1 … <customer prefix><customers> there are
--   spread      how many distinct random customers one batch covers, each with batch/spread events
--               (100: one event each for 100 customers; 10: ten events each for 10 customers)
-- Each event is api_calls (quantity 1-5), every tenth projects (quantity 1-20), timestamped now.
-- Counts what the service answered: 200s, and the accepted, duplicate and rejected events in them.

local threads = {}
local created = 0

function setup(thread)
   thread:set("index", created)
   created = created + 1
   table.insert(threads, thread)
end

function init(args)
   run = args[1]
   customers = tonumber(args[2])
   customer_prefix = args[3]
   spread = tonumber(args[4])
   batch = tonumber(args[5] or "100")
   per_customer = math.floor(batch / spread)
   assert(spread <= customers and per_customer * spread == batch, "spread must divide the batch and not exceed the customers")
   -- wrk.format uses the table it is given instead of wrk.headers: keep -H's Authorization.
   headers = { ["Content-Type"] = "application/json" }
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   math.randomseed(os.time() * 100 + index)
   sent = 0
   ok = 0
   accepted = 0
   duplicates = 0
   rejected = 0
   other = 0
end

-- spread distinct customers, drawn at random.
local function pick()
   local chosen, list = {}, {}
   while #list < spread do
      local n = math.random(customers)
      if not chosen[n] then
         chosen[n] = true
         list[#list + 1] = n
      end
   end
   return list
end

function request()
   sent = sent + 1
   local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
   local key = run .. "-" .. index .. "-" .. sent .. "-"
   local parts, e = {}, 0
   for _, n in ipairs(pick()) do
      local customer = customer_prefix .. n
      for _ = 1, per_customer do
         e = e + 1
         local meter, quantity
         if e % 10 == 0 then meter, quantity = "projects", math.random(20) else meter, quantity = "api_calls", math.random(5) end
         parts[e] = '{"customerId":"' .. customer .. '","meter":"' .. meter .. '","quantity":' .. quantity
            .. ',"timestamp":"' .. now .. '","idempotencyKey":"' .. key .. e .. '"}'
      end
   end
   return wrk.format("POST", nil, headers, '{"events":[' .. table.concat(parts, ",") .. "]}")
end

function response(status, headers, body)
   if status ~= 200 then
      other = other + 1
      return
   end
   ok = ok + 1
   accepted = accepted + tonumber(body:match('"accepted":(%d+)'))
   duplicates = duplicates + tonumber(body:match('"duplicates":(%d+)'))
   rejected = rejected + tonumber(body:match('"rejected":(%d+)'))
end

function done(summary, latency, requests)
   local totals = { ok = 0, accepted = 0, duplicates = 0, rejected = 0, other = 0 }
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + (thread:get(name) or 0)
      end
   end
   io.write(string.format("Usage answers: 200 %d, other %d; events accepted %d, duplicates %d, rejected %d\n",
      totals.ok, totals.other, totals.accepted, totals.duplicates, totals.rejected))
end
