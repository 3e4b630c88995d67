-- wrk script of bench/random-keys.sh: every request carries a new random bearer key of the shape
-- product keys have (bk_ and 32 characters), as an attacker guessing keys would send.
local created = 0

function setup(thread)
   thread:set("index", created)
   created = created + 1
end

function init(args)
   math.randomseed(os.time() * 1000 + index)
   alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
end

function request()
   local key = {}
   for i = 1, 32 do
      local at = math.random(#alphabet)
      key[i] = alphabet:sub(at, at)
   end
   return wrk.format("GET", nil, { ["Authorization"] = "Bearer bk_" .. table.concat(key) })
end
