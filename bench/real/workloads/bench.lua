-- A CPU workload for the Lua 5.4 interpreter (bench/real/run): integer permutations
-- (fannkuch-redux), floating-point physics (n-body), strings (formatting, gsub, find,
-- concatenation, hashing bytes), tables (insertion, sort with a comparator, removal) and
-- method calls on small objects. Each part prints a checksum, so the three runners must
-- print the same lines. No errors and no coroutines: the wasm build has no longjmp
-- (bench/real/wasi-stubs/setjmp.h). The scale is the first argument (default 1; fractions too).
local scale = tonumber(arg and arg[1]) or 1
local function scaled(n) return math.max(1, math.floor(n * scale)) end

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  local max_flips, checksum, r, nperm = 0, 0, n, 0
  for i = 0, n - 1 do perm1[i] = i end
  while true do
    while r ~= 1 do count[r - 1] = r; r = r - 1 end
    for i = 0, n - 1 do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do perm[i], perm[j] = perm[j], perm[i]; i = i + 1; j = j - 1 end
      flips = flips + 1
      k = perm[0]
    end
    if flips > max_flips then max_flips = flips end
    checksum = checksum + (nperm % 2 == 0 and flips or -flips)
    while true do
      if r == n then return checksum, max_flips end
      local perm0 = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = perm0
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
    nperm = nperm + 1
  end
end

local function nbody(steps)
  local pi, days = math.pi, 365.24
  local solar = 4 * pi * pi
  local bodies = {
    {x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, m = solar},
    {x = 4.84143144246472090e+00, y = -1.16032004402742839e+00, z = -1.03622044471123109e-01,
     vx = 1.66007664274403694e-03 * days, vy = 7.69901118419740425e-03 * days,
     vz = -6.90460016972063023e-05 * days, m = 9.54791938424326609e-04 * solar},
    {x = 8.34336671824457987e+00, y = 4.12479856412430479e+00, z = -4.03523417114321381e-01,
     vx = -2.76742510726862411e-03 * days, vy = 4.99852801234917238e-03 * days,
     vz = 2.30417297573763929e-05 * days, m = 2.85885980666130812e-04 * solar},
    {x = 1.28943695621391310e+01, y = -1.51111514016986312e+01, z = -2.23307578892655734e-01,
     vx = 2.96460137564761618e-03 * days, vy = 2.37847173959480950e-03 * days,
     vz = -2.96589568540237556e-05 * days, m = 4.36624404335156298e-05 * solar},
    {x = 1.53796971148509165e+01, y = -2.59193146099879641e+01, z = 1.79258772950371181e-01,
     vx = 2.68067772490389322e-03 * days, vy = 1.62824170038242295e-03 * days,
     vz = -9.51592254519715870e-05 * days, m = 5.15138902046611451e-05 * solar},
  }
  local n = #bodies
  local function energy()
    local e = 0
    for i = 1, n do
      local b = bodies[i]
      e = e + 0.5 * b.m * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
      for j = i + 1, n do
        local c = bodies[j]
        local dx, dy, dz = b.x - c.x, b.y - c.y, b.z - c.z
        e = e - b.m * c.m / math.sqrt(dx * dx + dy * dy + dz * dz)
      end
    end
    return e
  end
  local e0 = energy()
  for _ = 1, steps do
    for i = 1, n do
      local b = bodies[i]
      for j = i + 1, n do
        local c = bodies[j]
        local dx, dy, dz = b.x - c.x, b.y - c.y, b.z - c.z
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = 0.01 / (d2 * math.sqrt(d2))
        local bm, cm = b.m * mag, c.m * mag
        b.vx, b.vy, b.vz = b.vx - dx * cm, b.vy - dy * cm, b.vz - dz * cm
        c.vx, c.vy, c.vz = c.vx + dx * bm, c.vy + dy * bm, c.vz + dz * bm
      end
    end
    for i = 1, n do
      local b = bodies[i]
      b.x, b.y, b.z = b.x + 0.01 * b.vx, b.y + 0.01 * b.vy, b.z + 0.01 * b.vz
    end
  end
  return e0, energy()
end

local words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
               "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa"}

local function strings(rounds)
  local hash, found, total = 0, 0, 0
  for r = 1, rounds do
    local parts = {}
    for i = 1, 200 do
      local w = words[(i * 7 + r) % #words + 1]
      parts[#parts + 1] = string.format("%s-%d:%.3f", w, i * r, i / 7)
    end
    local line = table.concat(parts, " ")
    local swapped = line:gsub("(%a+)-(%d+)", "%2=%1"):upper()
    for w in swapped:gmatch("%u+") do
      if w:find("AL", 1, true) then found = found + 1 end
    end
    for i = 1, #swapped, 3 do hash = (hash * 31 + swapped:byte(i)) % 4294967291 end
    total = total + #swapped
  end
  return hash, found, total
end

local function tables(n)
  local t = {}
  local seed = 42
  for i = 1, n do
    seed = (seed * 1103515245 + 12345) % 2147483648
    t[i] = {key = seed % 100000, name = words[seed % #words + 1], id = i}
  end
  table.sort(t, function(a, b)
    if a.key ~= b.key then return a.key < b.key end
    return a.id < b.id
  end)
  local index, sum = {}, 0
  for i = 1, n do
    local e = t[i]
    index[e.name .. e.key] = (index[e.name .. e.key] or 0) + 1
    sum = (sum + e.key * (i % 13)) % 1000000007
  end
  local distinct = 0
  for _ in pairs(index) do distinct = distinct + 1 end
  while #t > n // 2 do table.remove(t) end
  return sum, distinct, #t
end

local Account = {}
Account.__index = Account
function Account.new(balance) return setmetatable({balance = balance, ops = 0}, Account) end
function Account:deposit(v) self.balance = self.balance + v; self.ops = self.ops + 1 end
function Account:withdraw(v)
  if v <= self.balance then self.balance = self.balance - v end
  self.ops = self.ops + 1
end

local function objects(n)
  local accounts = {}
  for i = 1, 64 do accounts[i] = Account.new(i * 100) end
  for i = 1, n do
    local a = accounts[i % 64 + 1]
    if i % 3 == 0 then a:withdraw(i % 1000) else a:deposit(i % 500) end
  end
  local total, ops = 0, 0
  for _, a in ipairs(accounts) do total = total + a.balance; ops = ops + a.ops end
  return total, ops
end

local fsum, fmax = 0, 0
for _ = 1, scaled(3) do
  local c, m = fannkuch(8)
  fsum, fmax = fsum + c, m
end
print("fannkuch", fsum, fmax)
print("nbody", string.format("%.9f %.9f", nbody(scaled(30000))))
print("strings", strings(scaled(100)))
print("tables", tables(scaled(30000)))
print("objects", objects(scaled(500000)))
