local function range(a, b)
  local xs = {}
  for i = a, b - 1 do xs[i - a + 1] = i end
  return xs
end

local function fold(xs, init, f)
  local acc = init
  for i = 1, #xs do acc = f(acc, xs[i]) end
  return acc
end

print(fold(range(0, 10000000), 0, function(a, x) return a + x end))
