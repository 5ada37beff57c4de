import Foundation
import InventoryAPI
import ProtobufWellKnownTypes

// Round-trips a message through the generated codec and prints what the service descriptor says.
var item = Shop_V1_Item(
  sku: "ABC-1",
  price: Shop_V1_Money(currency: "EUR", minorUnits: 1999),
  status: .active
)
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

// Round-trips a message with well-known types: a Timestamp made from a Date, an Any holding the item.
let changed = Date(timeIntervalSince1970: 1_700_000_000.25)
let entry = Shop_V1_AuditEntry(
  actor: "ada",
  at: try Google_Protobuf_Timestamp(date: changed),
  subject: Google_Protobuf_Any(packing: item)
)
let entryBytes = entry.serializedBytes()
let decodedEntry = try Shop_V1_AuditEntry(serializedBytes: entryBytes)
guard let at = decodedEntry.at, let subject = decodedEntry.subject, decodedEntry == entry,
  at.date == changed, subject.is(Shop_V1_Item.self), try subject.unpack(Shop_V1_Item.self) == item
else {
  print("well-known types round trip changed the entry: \(decodedEntry)")
  exit(1)
}
print(
  "audit round trip of \(entryBytes.count) bytes ok: \(subject.typeUrl) at \(at.seconds).\(at.nanos)"
)
