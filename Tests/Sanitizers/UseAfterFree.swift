// The sanitizer script's AddressSanitizer self-check (scripts/sanitize.sh): a read of freed
// memory that ASan must report, which shows the script's report check can fail.
let cell = UnsafeMutablePointer<Int>.allocate(capacity: 1)
cell.initialize(to: 42)
cell.deallocate()
print(cell.pointee)
