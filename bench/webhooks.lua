-- wrk script of bench/webhooks.sh: POSTs pre-signed Stripe events to /webhooks/stripe, each once.
-- Usage: wrk ... -s bench/webhooks.lua <url> -- <events file> <threads>
-- The signer wrote <events file>.<k> for each thread k (one "signature<TAB>body" a line), so no
-- two threads send the same event. Lines are read as they are sent, so start-up costs nothing.
-- Running out of events is reported: the file is then read again and its events are duplicates.

local threads = {}
local created = 0

-- BENCH_THINK_MS: each connection waits this long after an answer before its next request (wrk's delay(), not part
-- of the latency), so the service runs below its saturation, as a service in production does.
local think = tonumber(os.getenv("BENCH_THINK_MS") or "") or 0
if think > 0 then
   function delay()
      return think
   end
end

function setup(thread)
   thread:set("index", created)
   created = created + 1
   table.insert(threads, thread)
end

function init(args)
   path = args[1] .. "." .. index
   file = assert(io.open(path, "r"))
   wrapped = 0
   headers = { ["Content-Type"] = "application/json" }
end

function request()
   local line = file:read("*l")
   if line == nil then
      wrapped = wrapped + 1
      file:close()
      file = assert(io.open(path, "r"))
      line = file:read("*l")
   end
   local tab = line:find("\t", 1, true)
   headers["Stripe-Signature"] = line:sub(1, tab - 1)
   return wrk.format("POST", nil, headers, line:sub(tab + 1))
end

function done(summary, latency, requests)
   local wraps = 0
   for _, thread in ipairs(threads) do
      wraps = wraps + (thread:get("wrapped") or 0)
   end
   if wraps > 0 then
      io.write(string.format("Events exhausted: %d times a thread started its file again (duplicates sent)\n", wraps))
   end
end
