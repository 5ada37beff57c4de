import InventoryAPI

#if canImport(Glibc)
  import Glibc
#endif

// Round-trips a message through the generated codec and prints what the service descriptor says.
var item = Shop_V1_Item(sku: "ABC-1", price: Shop_V1_Money(currency: "EUR", minorUnits: 1999), status: .active)
item.stockByWarehouse = ["berlin": 3, "lyon": 0]
item.discount = .amountOff(Shop_V1_Money(currency: "EUR", minorUnits: 200))

let bytes = item.serializedBytes()
let decoded = try Shop_V1_Item(serializedBytes: bytes)
guard decoded == item else {
  print("round trip changed the message: \(decoded)")
  exit(1)
}
let methods = Shop_V1_Inventory.descriptor.methods.map { "\($0.path) (\($0.kind))" }
print("round trip of \(bytes.count) bytes ok; methods: \(methods.joined(separator: ", "))")
