internal import CNGHTTP2
internal import NIOCore

// The data provider that serves each stream's outbound queue, and the NO_COPY send_data path.
extension NGHTTP2Session {
  /// One provider for every stream: the read callback finds the stream's queue by stream id.
  static var dataProvider: nghttp2_data_provider {
    nghttp2_data_provider(
      source: nghttp2_data_source(ptr: nil),
      read_callback: { _, streamID, buffer, length, flags, _, userData in
        NGHTTP2Session.owner(userData).readData(
          streamID: streamID,
          into: UnsafeMutableRawBufferPointer(start: buffer, count: length),
          flags: flags!
        )
      }
    )
  }

  /// The read callback: hands nghttp2 the next DATA payload of the stream, defers when the queue
  /// is empty, and ends the data (with trailers or END_STREAM) once ended and drained.
  private func readData(
    streamID: Int32,
    into buffer: UnsafeMutableRawBufferPointer,
    flags: UnsafeMutablePointer<UInt32>
  ) -> Int {
    guard outbound[streamID] != nil else {
      return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
    }
    let chunk = outbound[streamID]!.nextChunk(into: buffer)
    let count: Int
    let endOfData: Bool
    switch chunk {
    case .deferred:
      outbound[streamID]!.isDeferred = true
      return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    case .copied(let copied, let end):
      count = copied
      endOfData = end
    case .noCopy(let slice, let end):
      noCopySlice = slice
      flags.pointee |= NGHTTP2_DATA_FLAG_NO_COPY.rawValue
      count = slice.readableBytes
      endOfData = end
    }
    if endOfData {
      flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
      if let trailers = outbound[streamID]!.trailers {
        flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
        let submitted = withNameValues(trailers) { nameValues, fieldCount in
          nghttp2_submit_trailer(session, streamID, nameValues, fieldCount)
        }
        if submitted < 0 {
          return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
      }
    }
    return count
  }

  /// The send_data callback for NO_COPY frames: the 9-byte frame header, then the payload slice
  /// as its own buffer.
  func sendData(
    _ frame: nghttp2_frame,
    frameHeader: UnsafePointer<UInt8>,
    length: Int
  ) -> Int32 {
    guard var slice = noCopySlice.take(), slice.readableBytes >= length,
      frame.data.padlen == 0
    else {
      return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
    }
    output.append(UnsafeRawBufferPointer(start: frameHeader, count: 9))
    output.append(slice: slice.readSlice(length: length)!)
    return 0
  }
}
