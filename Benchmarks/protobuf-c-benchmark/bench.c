/*
 * libprotobuf-c side of the codec benchmark. Reads the bytes the Swift benchmark wrote (so both
 * libraries work on the same values), then times, per message:
 *   encode = protobuf_c_message_get_packed_size + protobuf_c_message_pack into a reused buffer
 *            (Swift's encodedSize() + encode(into:))
 *   encode-new-array = get_packed_size + malloc + pack + free
 *            (Swift's serializedBytes(): size, allocate, write, and the release of the array)
 *   decode = protobuf_c_message_unpack + protobuf_c_message_free_unpacked
 *            (Swift's init(serializedBytes:) plus the release of the value)
 * Usage: protobuf-c-benchmark INPUT_DIR SECONDS
 * Prints one JSON line per (message, operation), like protobuf-benchmark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat.pb-c.h"
#include "rich.pb-c.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t *read_file(const char *path, size_t *length) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "protobuf-c-benchmark: cannot read %s\n", path);
    exit(1);
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *bytes = malloc(size > 0 ? (size_t)size : 1);
  if (fread(bytes, 1, (size_t)size, file) != (size_t)size) {
    fprintf(stderr, "protobuf-c-benchmark: short read of %s\n", path);
    exit(1);
  }
  fclose(file);
  *length = (size_t)size;
  return bytes;
}

static void measure(const char *label, const ProtobufCMessageDescriptor *descriptor, const char *path, double seconds) {
  size_t length;
  uint8_t *bytes = read_file(path, &length);
  ProtobufCMessage *message = protobuf_c_message_unpack(descriptor, NULL, length, bytes);
  if (!message) {
    fprintf(stderr, "protobuf-c-benchmark: %s does not unpack as %s\n", path, descriptor->name);
    exit(1);
  }
  long checksum = 0;

  /* encode */
  uint8_t *reused = malloc(length);
  long operations = 0;
  double start = now_seconds(), elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 1000; i++) {
      size_t size = protobuf_c_message_get_packed_size(message);
      checksum += (long)protobuf_c_message_pack(message, reused) + (long)size;
    }
    operations += 1000;
    elapsed = now_seconds() - start;
  }
  free(reused);
  printf("{\"impl\":\"protobuf-c\",\"message\":\"%s\",\"op\":\"encode\",\"bytes\":%zu,\"ops_per_s\":%ld,\"checksum\":%ld}\n",
         label, length, (long)(operations / elapsed), checksum);

  /* encode-new-array */
  operations = 0;
  start = now_seconds();
  elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 1000; i++) {
      size_t size = protobuf_c_message_get_packed_size(message);
      uint8_t *out = malloc(size);
      checksum += (long)protobuf_c_message_pack(message, out);
      free(out);
    }
    operations += 1000;
    elapsed = now_seconds() - start;
  }
  printf("{\"impl\":\"protobuf-c\",\"message\":\"%s\",\"op\":\"encode-new-array\",\"bytes\":%zu,\"ops_per_s\":%ld,\"checksum\":%ld}\n",
         label, length, (long)(operations / elapsed), checksum);

  /* decode */
  operations = 0;
  checksum = 0;
  start = now_seconds();
  elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 1000; i++) {
      ProtobufCMessage *decoded = protobuf_c_message_unpack(descriptor, NULL, length, bytes);
      checksum += decoded != NULL;
      protobuf_c_message_free_unpacked(decoded, NULL);
    }
    operations += 1000;
    elapsed = now_seconds() - start;
  }
  printf("{\"impl\":\"protobuf-c\",\"message\":\"%s\",\"op\":\"decode\",\"bytes\":%zu,\"ops_per_s\":%ld,\"checksum\":%ld}\n",
         label, length, (long)(operations / elapsed), checksum);

  protobuf_c_message_free_unpacked(message, NULL);
  free(bytes);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: protobuf-c-benchmark INPUT_DIR SECONDS\n");
    return 2;
  }
  char path[4096];
  double seconds = atof(argv[2]);
  snprintf(path, sizeof path, "%s/chat.bin", argv[1]);
  measure("ChatMessage", &chat_message__descriptor, path, seconds);
  snprintf(path, sizeof path, "%s/rich.bin", argv[1]);
  measure("RichMessage", &protobuf_test__rich_message__descriptor, path, seconds);
  return 0;
}
