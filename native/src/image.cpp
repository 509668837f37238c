// Image decoding and encoding: JPEG through libjpeg-turbo, PNG through libpng.
//
// Both libraries report fatal errors through callbacks that must not return; the default JPEG one calls
// exit(). Here every such callback records a one-line message and longjmp()s back to the setjmp() of the
// call that started the work, which cleans up and returns a status. The functions that call setjmp() keep
// only plain C data in their frames (no C++ object with a destructor lives between setjmp and longjmp), so
// the jump skips no destructor. libjpeg's "premature end of file" warning (a truncated file, which
// libjpeg would otherwise decode with grey padding) is treated as an error; its other corrupt-data warnings
// are ignored, as PIL and torchvision ignore them.
//
// Hostile files: the pixel count an image declares is checked against the caller's limit right after the
// header is read (jpeg_read_header / png_read_info), before any pixel buffer exists; libjpeg's memory
// manager is capped in proportion to that limit (a progressive JPEG's coefficient buffers), and so is the
// number of progressive scans; libpng's width/height and ancillary-chunk limits are set. The EXIF block is
// parsed here with every offset and count checked against the segment's length.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "common.h"

namespace {

constexpr int kMessageSize = 256;
// More scans than any encoder writes (libjpeg's progressive scripts use about ten); a crafted file with
// thousands of tiny scans would otherwise cost a pass over the coefficients each.
constexpr int kMaxJpegScans = 1000;
// Bytes of libjpeg working memory per allowed pixel: a progressive JPEG keeps every coefficient (2 bytes
// per sample) of up to 4 full-resolution components; plus a fixed allowance for tables and row buffers.
constexpr int64_t kJpegBytesPerPixel = 8;
constexpr int64_t kJpegMemorySlack = 64ll << 20;
// Largest ancillary chunk libpng may allocate (an ICC profile or compressed text, decompressed).
constexpr png_alloc_size_t kPngChunkMax = 8u << 20;
constexpr png_uint_32 kPngChunkCacheMax = 1000;
constexpr png_uint_32 kPngMaxSide = 0x7fffffffu;
constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

enum class Format { Unknown, Jpeg, Png };

Format detect(const uint8_t* data, int64_t size) {
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return Format::Jpeg;
  if (size >= 8 && std::memcmp(data, kPngSignature, 8) == 0) return Format::Png;
  return Format::Unknown;
}

// "3600" or "2.5": megapixels for messages, at most two decimals.
std::string megapixels(int64_t pixels) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(pixels) / 1e6);
  std::string result(text);
  while (!result.empty() && result.back() == '0') result.pop_back();
  if (!result.empty() && result.back() == '.') result.pop_back();
  return result;
}

void check_pixels(int width, int height, int64_t max_pixels) {
  int64_t pixels = static_cast<int64_t>(width) * height;
  if (pixels > max_pixels)
    throw std::runtime_error("declares " + std::to_string(width) + "x" + std::to_string(height) + " pixels (" +
                             megapixels(pixels) + " MP), over the limit of " + megapixels(max_pixels) + " MP");
}

// ---------------------------------------------------------------------------------------------------
// EXIF orientation
// ---------------------------------------------------------------------------------------------------

// The Orientation tag (0x0112) of IFD0 of a TIFF-structured Exif block (what follows "Exif\0\0" in a JPEG's
// APP1 segment, or a PNG's eXIf chunk), 1 when absent, out of range or malformed. As PIL reads it: a SHORT
// or LONG with one value; the last such entry wins; entries past the end of the block are not read.
int exif_orientation(const uint8_t* tiff, size_t n) {
  if (n < 8) return 1;
  bool little;
  if (tiff[0] == 'I' && tiff[1] == 'I' && tiff[2] == 42 && tiff[3] == 0) {
    little = true;
  } else if (tiff[0] == 'M' && tiff[1] == 'M' && tiff[2] == 0 && tiff[3] == 42) {
    little = false;
  } else {
    return 1;
  }
  auto u16 = [&](size_t at) -> uint32_t {
    return little ? tiff[at] | (tiff[at + 1] << 8) : (tiff[at] << 8) | tiff[at + 1];
  };
  auto u32 = [&](size_t at) -> uint32_t {
    return little ? u16(at) | (u16(at + 2) << 16) : (u16(at) << 16) | u16(at + 2);
  };
  size_t ifd = u32(4);
  if (ifd > n - 2) return 1;
  size_t count = u16(ifd);
  int orientation = 1;
  for (size_t k = 0; k < count; k++) {
    size_t entry = ifd + 2 + 12 * k;  // at most 2^32 + 2 + 12 * 65535: no overflow in size_t
    if (entry > n - 12) break;
    if (u16(entry) != 0x0112 || u32(entry + 4) != 1) continue;
    uint32_t type = u16(entry + 2);
    uint32_t value = type == 3 ? u16(entry + 8) : type == 4 ? u32(entry + 8) : 0;
    if (type == 3 || type == 4) orientation = value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return orientation;
}

// Copies src (width x height RGB, as stored) into dst turned upright: orientation 2..8 as PIL's
// exif_transpose (2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse,
// 8 rotate 90 counter-clockwise). dst is height x width for 5..8. Output pixel (x, y) reads source pixel
// base + x * dx + y * dy.
void reorient(const uint8_t* src, int width, int height, int orientation, uint8_t* dst) {
  const int64_t w = width, h = height;
  int64_t base = 0, dx = 1, dy = w;
  switch (orientation) {
    case 2: base = w - 1; dx = -1; dy = w; break;
    case 3: base = w * h - 1; dx = -1; dy = -w; break;
    case 4: base = (h - 1) * w; dx = 1; dy = -w; break;
    case 5: base = 0; dx = w; dy = 1; break;
    case 6: base = (h - 1) * w; dx = -w; dy = 1; break;
    case 7: base = (h - 1) * w + w - 1; dx = -w; dy = -1; break;
    case 8: base = w - 1; dx = w; dy = -1; break;
    default: break;
  }
  const int64_t out_w = orientation >= 5 ? h : w, out_h = orientation >= 5 ? w : h;
  for (int64_t y = 0; y < out_h; y++) {
    uint8_t* row = dst + y * out_w * 3;
    int64_t at = base + y * dy;
    for (int64_t x = 0; x < out_w; x++, at += dx) {
      const uint8_t* p = src + at * 3;
      row[3 * x] = p[0];
      row[3 * x + 1] = p[1];
      row[3 * x + 2] = p[2];
    }
  }
}

// The orientation in a PNG's eXIf chunk, found by walking the chunk list in memory (chunk data is not
// read, so this costs nothing): PIL reads eXIf before or after the image data.
int png_orientation(const uint8_t* data, int64_t size) {
  int64_t at = 8;
  while (at + 8 <= size) {
    uint32_t length = (static_cast<uint32_t>(data[at]) << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3];
    if (length > 0x7fffffffu) return 1;
    const uint8_t* type = data + at + 4;
    if (std::memcmp(type, "IEND", 4) == 0) return 1;
    if (std::memcmp(type, "eXIf", 4) == 0) {
      if (at + 8 + static_cast<int64_t>(length) > size) return 1;
      return exif_orientation(data + at + 8, length);
    }
    at += 12 + static_cast<int64_t>(length);
  }
  return 1;
}

void check_input(const void* data, int64_t size) {
  if (size <= 0) throw std::runtime_error("empty file");
  if (data == nullptr) throw std::invalid_argument("null image buffer");
}

[[noreturn]] void throw_unknown(const uint8_t* data, int64_t size) {
  char hex[64];
  int n = size < 4 ? static_cast<int>(size) : 4;
  int used = std::snprintf(hex, sizeof hex, "not a JPEG or PNG file (starts with");
  for (int k = 0; k < n && used < static_cast<int>(sizeof hex) - 6; k++)
    used += std::snprintf(hex + used, sizeof hex - used, " %02x", data[k]);
  std::snprintf(hex + used, sizeof hex - used, ")");
  throw std::runtime_error(hex);
}

// ---------------------------------------------------------------------------------------------------
// JPEG
// ---------------------------------------------------------------------------------------------------

struct JpegError {
  jpeg_error_mgr pub;
  jmp_buf jump;
  char message[kMessageSize];
};

void jpeg_fail(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void jpeg_message(j_common_ptr cinfo, int level) {
  // level -1: a warning. Only a truncated file is fatal; see the file comment.
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    auto* err = reinterpret_cast<JpegError*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::snprintf(err->message + std::strlen(err->message), kMessageSize - std::strlen(err->message),
                  " (truncated file)");
    std::longjmp(err->jump, 1);
  }
}

// Plain result of a decode attempt: 0 on success, else message holds the reason.
struct JpegInfo {
  int width;
  int height;
  int channels;
  int orientation;
};

// The orientation in the first APP1 segment that starts with "Exif\0\0" (the one PIL reads); markers must
// have been saved with jpeg_save_markers.
int jpeg_orientation(j_decompress_ptr cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != nullptr; m = m->next) {
    if (m->marker != JPEG_APP0 + 1 || m->data_length < 6 || std::memcmp(m->data, "Exif\0", 5) != 0) continue;
    if (m->data[5] != 0) return 1;
    return exif_orientation(m->data + 6, m->data_length - 6);
  }
  return 1;
}

struct JpegProgress {
  jpeg_progress_mgr pub;
};

void jpeg_scan_limit(j_common_ptr cinfo) {
  auto* decompress = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (cinfo->is_decompressor && decompress->input_scan_number > kMaxJpegScans) {
    auto* err = reinterpret_cast<JpegError*>(cinfo->err);
    std::snprintf(err->message, kMessageSize, "more than %d scans", kMaxJpegScans);
    std::longjmp(err->jump, 1);
  }
}

// Reads the header only. Returns 0 or 1 (message set).
int jpeg_info(const uint8_t* data, int64_t size, JpegInfo* info, char* message) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = jpeg_fail;
  err.pub.emit_message = jpeg_message;
  err.message[0] = '\0';
  if (setjmp(err.jump)) {
    std::snprintf(message, kMessageSize, "corrupt JPEG: %.200s", err.message);
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  // libjpeg bounds a saved marker's length to the segment's (at most 65533 bytes).
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  info->width = static_cast<int>(cinfo.image_width);
  info->height = static_cast<int>(cinfo.image_height);
  info->channels = cinfo.num_components;
  info->orientation = jpeg_orientation(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return 0;
}

inline uint8_t muldiv255(int a, int b) {
  int t = a * b + 128;
  return static_cast<uint8_t>(((t >> 8) + t) >> 8);
}

// Decodes to RGB rows of width*3 bytes, as stored (no orientation); dst holds exactly width*height*3 bytes
// (checked by the caller through jpeg_info). CMYK/YCCK files are converted as PIL's convert("RGB") does
// (Adobe files inverted). The header is checked against max_pixels again before anything is allocated.
int jpeg_decode(const uint8_t* data, int64_t size, int64_t max_pixels, uint8_t* dst, int expect_w, int expect_h,
                char* message) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  JpegProgress progress{};
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = jpeg_fail;
  err.pub.emit_message = jpeg_message;
  err.message[0] = '\0';
  progress.pub.progress_monitor = jpeg_scan_limit;
  uint8_t* volatile cmyk_row = nullptr;  // volatile: assigned between setjmp and a possible longjmp
  if (setjmp(err.jump)) {
    std::snprintf(message, kMessageSize, "corrupt JPEG: %.200s", err.message);
    std::free(cmyk_row);
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  cinfo.progress = &progress.pub;
  // Past this, libjpeg fails with "Backing store not supported" instead of allocating (a progressive or
  // multi-scan file keeps all its coefficients in memory).
  cinfo.mem->max_memory_to_use = static_cast<long>(
      max_pixels > (INT64_MAX - kJpegMemorySlack) / kJpegBytesPerPixel ? INT64_MAX
                                                                       : max_pixels * kJpegBytesPerPixel + kJpegMemorySlack);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  if (static_cast<int64_t>(cinfo.image_width) * cinfo.image_height > max_pixels) {
    std::snprintf(message, kMessageSize, "declares %ux%u pixels, over the limit", cinfo.image_width, cinfo.image_height);
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // libjpeg-turbo expands greyscale to RGB itself
  jpeg_start_decompress(&cinfo);
  if (static_cast<int>(cinfo.output_width) != expect_w || static_cast<int>(cinfo.output_height) != expect_h) {
    std::snprintf(message, kMessageSize, "JPEG size changed while decoding");
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  const size_t stride = static_cast<size_t>(expect_w) * 3;
  if (cmyk) {
    cmyk_row = static_cast<uint8_t*>(std::malloc(static_cast<size_t>(expect_w) * 4));
    if (cmyk_row == nullptr) {
      std::snprintf(message, kMessageSize, "out of memory");
      jpeg_destroy_decompress(&cinfo);
      return 1;
    }
  }
  const bool inverted = cinfo.saw_Adobe_marker;
  while (cinfo.output_scanline < cinfo.output_height) {
    uint8_t* row = dst + static_cast<size_t>(cinfo.output_scanline) * stride;
    if (!cmyk) {
      JSAMPROW rows[1] = {row};
      jpeg_read_scanlines(&cinfo, rows, 1);
      continue;
    }
    JSAMPROW rows[1] = {cmyk_row};
    jpeg_read_scanlines(&cinfo, rows, 1);
    for (int x = 0; x < expect_w; x++) {
      int c = cmyk_row[4 * x], m = cmyk_row[4 * x + 1], y = cmyk_row[4 * x + 2], k = cmyk_row[4 * x + 3];
      if (!inverted) {
        c = 255 - c;
        m = 255 - m;
        y = 255 - y;
        k = 255 - k;
      }
      row[3 * x] = muldiv255(c, k);
      row[3 * x + 1] = muldiv255(m, k);
      row[3 * x + 2] = muldiv255(y, k);
    }
  }
  jpeg_finish_decompress(&cinfo);
  std::free(cmyk_row);
  jpeg_destroy_decompress(&cinfo);
  return 0;
}

struct JpegDestination {
  unsigned char* buffer;
  unsigned long size;
};

int jpeg_encode(const uint8_t* pixels, int width, int height, int channels, int quality, JpegDestination* out,
                char* message) {
  jpeg_compress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = jpeg_fail;
  err.message[0] = '\0';
  out->buffer = nullptr;
  out->size = 0;
  if (setjmp(err.jump)) {
    std::snprintf(message, kMessageSize, "JPEG encoding failed: %.200s", err.message);
    jpeg_destroy_compress(&cinfo);
    std::free(out->buffer);
    out->buffer = nullptr;
    return 1;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &out->buffer, &out->size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = channels;
  cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const size_t stride = static_cast<size_t>(width) * channels;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW rows[1] = {const_cast<uint8_t*>(pixels) + cinfo.next_scanline * stride};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------------------

struct PngState {
  const uint8_t* data;
  int64_t size;
  int64_t position;
  char message[kMessageSize];
};

void png_fail(png_structp png, png_const_charp text) {
  auto* state = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(state->message, kMessageSize, "%s", text);
  png_longjmp(png, 1);
}

void png_warn(png_structp, png_const_charp) {}

void png_read_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* state = static_cast<PngState*>(png_get_io_ptr(png));
  if (state->position + static_cast<int64_t>(length) > state->size) png_error(png, "unexpected end of file (truncated file)");
  std::memcpy(out, state->data + state->position, length);
  state->position += static_cast<int64_t>(length);
}

struct PngInfo {
  int width;
  int height;
  int channels;
};

// 16-bit greyscale as PIL converts it to RGB: PIL opens it as mode "I" (32-bit integers) and convert("RGB")
// clips each value to 0..255 (it does not scale). Converts one row in place, from the big-endian samples
// libpng leaves at its start to 3 bytes per pixel; backwards, so no sample is overwritten before it is read.
void grey16_row_to_rgb(uint8_t* row, int width) {
  for (int x = width - 1; x >= 0; x--) {
    unsigned value = (static_cast<unsigned>(row[2 * x]) << 8) | row[2 * x + 1];
    uint8_t v = value > 255 ? 255 : static_cast<uint8_t>(value);
    row[3 * x] = v;
    row[3 * x + 1] = v;
    row[3 * x + 2] = v;
  }
}

// Reads the header (info == nullptr skips) and, when dst is given, the pixels as 8-bit RGB as PIL's
// convert("RGB") gives them: palette and low-bit-depth images are expanded, alpha is dropped (not
// composited), greyscale is copied to the three channels; 16-bit samples keep their high byte except in
// 16-bit greyscale, which PIL clips (grey16_row_to_rgb). Images of more than max_pixels are refused
// right after png_read_info, before the row buffers exist.
int png_decode(const uint8_t* data, int64_t size, int64_t max_pixels, PngInfo* info, uint8_t* dst, int expect_w,
               int expect_h, char* message) {
  PngState state{data, size, 0, {0}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, png_fail, png_warn);
  if (png == nullptr) {
    std::snprintf(message, kMessageSize, "out of memory");
    return 1;
  }
  png_infop pinfo = png_create_info_struct(png);
  png_bytep* volatile rows = nullptr;  // volatile: assigned between setjmp and a possible longjmp
  if (pinfo == nullptr || setjmp(png_jmpbuf(png))) {
    std::snprintf(message, kMessageSize, "corrupt PNG: %.200s", state.message[0] ? state.message : "out of memory");
    std::free(rows);
    png_destroy_read_struct(&png, pinfo ? &pinfo : nullptr, nullptr);
    return 1;
  }
  png_set_read_fn(png, &state, png_read_memory);
  // Corrupt ancillary chunks and CRC errors in them are errors too, not silently skipped.
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  // No side may exceed the pixel limit (the area is checked below); the header-only read (dst null) reports
  // any size so that the caller can name it.
  png_uint_32 side = dst == nullptr || max_pixels >= kPngMaxSide ? kPngMaxSide : static_cast<png_uint_32>(max_pixels);
  png_set_user_limits(png, side, side);
  png_set_chunk_malloc_max(png, kPngChunkMax);
  png_set_chunk_cache_max(png, kPngChunkCacheMax);
  png_read_info(png, pinfo);
  int width = static_cast<int>(png_get_image_width(png, pinfo));
  int height = static_cast<int>(png_get_image_height(png, pinfo));
  int color = png_get_color_type(png, pinfo);
  int depth = png_get_bit_depth(png, pinfo);
  if (info != nullptr) {
    info->width = width;
    info->height = height;
    info->channels = png_get_channels(png, pinfo);
  }
  if (dst == nullptr) {
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return 0;
  }
  if (static_cast<int64_t>(width) * height > max_pixels) {
    std::snprintf(message, kMessageSize, "declares %dx%d pixels, over the limit", width, height);
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return 1;
  }
  if (width != expect_w || height != expect_h) {
    std::snprintf(message, kMessageSize, "PNG size changed while decoding");
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return 1;
  }
  const bool grey16 = color == PNG_COLOR_TYPE_GRAY && depth == 16;
  if (!grey16) {
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, pinfo);
  const png_byte channels = png_get_channels(png, pinfo), bits = png_get_bit_depth(png, pinfo);
  if (grey16 ? channels != 1 || bits != 16 : channels != 3 || bits != 8) {
    std::snprintf(message, kMessageSize, "unsupported PNG layout");
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return 1;
  }
  rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * static_cast<size_t>(height)));
  if (rows == nullptr) png_error(png, "out of memory");
  // A 16-bit grey row (2 bytes a pixel) fits in the 3-byte-a-pixel row it is converted into.
  for (int y = 0; y < height; y++) rows[y] = dst + static_cast<size_t>(y) * width * 3;
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  if (grey16)
    for (int y = 0; y < height; y++) grey16_row_to_rgb(rows[y], width);
  std::free(rows);
  rows = nullptr;
  png_destroy_read_struct(&png, &pinfo, nullptr);
  return 0;
}

struct PngBuffer {
  uint8_t* data;
  size_t size;
  size_t capacity;
  char message[kMessageSize];
};

void png_write_memory(png_structp png, png_bytep bytes, png_size_t length) {
  auto* buffer = static_cast<PngBuffer*>(png_get_io_ptr(png));
  if (buffer->size + length > buffer->capacity) {
    size_t capacity = buffer->capacity == 0 ? 65536 : buffer->capacity;
    while (capacity < buffer->size + length) capacity *= 2;
    auto* grown = static_cast<uint8_t*>(std::realloc(buffer->data, capacity));
    if (grown == nullptr) png_error(png, "out of memory");
    buffer->data = grown;
    buffer->capacity = capacity;
  }
  std::memcpy(buffer->data + buffer->size, bytes, length);
  buffer->size += length;
}

void png_flush_memory(png_structp) {}

void png_write_fail(png_structp png, png_const_charp text) {
  auto* buffer = static_cast<PngBuffer*>(png_get_error_ptr(png));
  std::snprintf(buffer->message, kMessageSize, "%s", text);
  png_longjmp(png, 1);
}

int png_encode(const uint8_t* pixels, int width, int height, int channels, int compression, PngBuffer* out,
               char* message) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, out, png_write_fail, png_warn);
  if (png == nullptr) {
    std::snprintf(message, kMessageSize, "out of memory");
    return 1;
  }
  png_infop pinfo = png_create_info_struct(png);
  png_bytep* volatile rows = nullptr;  // volatile: assigned between setjmp and a possible longjmp
  if (pinfo == nullptr || setjmp(png_jmpbuf(png))) {
    std::snprintf(message, kMessageSize, "PNG encoding failed: %.200s", out->message[0] ? out->message : "out of memory");
    std::free(rows);
    png_destroy_write_struct(&png, pinfo ? &pinfo : nullptr);
    std::free(out->data);
    out->data = nullptr;
    return 1;
  }
  png_set_write_fn(png, out, png_write_memory, png_flush_memory);
  png_set_compression_level(png, compression);
  // Fast settings for low compression levels; "sub" filtering suits photographs and noise alike.
  if (compression <= 3) png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
  int color = channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB;
  png_set_IHDR(png, pinfo, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, color,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, pinfo);
  rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * static_cast<size_t>(height)));
  if (rows == nullptr) png_error(png, "out of memory");
  for (int y = 0; y < height; y++)
    rows[y] = const_cast<uint8_t*>(pixels) + static_cast<size_t>(y) * width * channels;
  png_write_image(png, rows);
  png_write_end(png, pinfo);
  std::free(rows);
  rows = nullptr;
  png_destroy_write_struct(&png, &pinfo);
  return 0;
}

// What the header says: the size as stored, the channels as stored, the orientation to apply.
struct Header {
  Format format;
  int width;
  int height;
  int channels;
  int orientation;
};

// Shared by info and decode: the header, or an error. Orientation 1 when ignore_orientation.
Header read_header(const uint8_t* bytes, int64_t size, bool ignore_orientation) {
  char message[kMessageSize] = {0};
  Header header{detect(bytes, size), 0, 0, 0, 1};
  switch (header.format) {
    case Format::Jpeg: {
      JpegInfo info{};
      if (jpeg_info(bytes, size, &info, message) != 0) throw std::runtime_error(message);
      header.width = info.width;
      header.height = info.height;
      header.channels = info.channels;
      header.orientation = info.orientation;
      break;
    }
    case Format::Png: {
      PngInfo info{};
      if (png_decode(bytes, size, 0, &info, nullptr, 0, 0, message) != 0) throw std::runtime_error(message);
      header.width = info.width;
      header.height = info.height;
      header.channels = info.channels;
      header.orientation = png_orientation(bytes, size);
      break;
    }
    default:
      throw_unknown(bytes, size);
  }
  if (header.width <= 0 || header.height <= 0) throw std::runtime_error("image has no pixels");
  if (ignore_orientation) header.orientation = 1;
  return header;
}

void oriented_size(const Header& header, int* width, int* height) {
  bool swap = header.orientation >= 5;
  *width = swap ? header.height : header.width;
  *height = swap ? header.width : header.height;
}

void decode_stored(const uint8_t* bytes, int64_t size, const Header& header, int64_t max_pixels, uint8_t* dst) {
  char message[kMessageSize] = {0};
  int status = header.format == Format::Jpeg
                   ? jpeg_decode(bytes, size, max_pixels, dst, header.width, header.height, message)
                   : png_decode(bytes, size, max_pixels, nullptr, dst, header.width, header.height, message);
  if (status != 0) throw std::runtime_error(message);
}

// Decodes into dst (oriented size x 3 bytes), through a temporary buffer when the image must be turned.
void decode_into(const uint8_t* bytes, int64_t size, const Header& header, int64_t max_pixels, uint8_t* dst) {
  if (header.orientation == 1) {
    decode_stored(bytes, size, header, max_pixels, dst);
    return;
  }
  std::unique_ptr<uint8_t[]> stored(new uint8_t[static_cast<size_t>(header.width) * header.height * 3]);
  decode_stored(bytes, size, header, max_pixels, stored.get());
  reorient(stored.get(), header.width, header.height, header.orientation, dst);
}

Header checked_header(const void* data, int64_t size, int64_t max_pixels, int32_t flags) {
  check_input(data, size);
  if (max_pixels < 1) throw std::invalid_argument("max_pixels must be at least 1");
  Header header = read_header(static_cast<const uint8_t*>(data), size, (flags & DD_IMAGE_IGNORE_ORIENTATION) != 0);
  check_pixels(header.width, header.height, max_pixels);
  return header;
}

}  // namespace

extern "C" {

int dd_image_info(const void* data, int64_t size, int32_t flags, int32_t* width, int32_t* height, int32_t* channels,
                  int32_t* orientation) {
  DD_TRY
  check_input(data, size);
  if (width == nullptr || height == nullptr || channels == nullptr || orientation == nullptr)
    throw std::invalid_argument("null argument");
  Header header = read_header(static_cast<const uint8_t*>(data), size, (flags & DD_IMAGE_IGNORE_ORIENTATION) != 0);
  int w = 0, h = 0;
  oriented_size(header, &w, &h);
  *width = w;
  *height = h;
  *channels = header.channels;
  *orientation = header.orientation;
  DD_CATCH
}

int dd_image_decode_rgb(const void* data, int64_t size, int64_t max_pixels, int32_t flags, uint8_t* dst,
                        int64_t dst_size) {
  DD_TRY
  Header header = checked_header(data, size, max_pixels, flags);
  int w = 0, h = 0;
  oriented_size(header, &w, &h);
  int64_t needed = static_cast<int64_t>(w) * h * 3;
  if (dst == nullptr || dst_size != needed)
    throw std::invalid_argument("decode buffer has " + std::to_string(dst_size) + " bytes, the " +
                                std::to_string(w) + "x" + std::to_string(h) + " image needs " + std::to_string(needed));
  decode_into(static_cast<const uint8_t*>(data), size, header, max_pixels, dst);
  DD_CATCH
}

int dd_image_decode(const void* data, int64_t size, int64_t max_pixels, int32_t flags, dd_tensor* out) {
  DD_TRY
  if (out == nullptr) throw std::invalid_argument("null argument");
  Header header = checked_header(data, size, max_pixels, flags);
  int w = 0, h = 0;
  oriented_size(header, &w, &h);
  at::Tensor image = at::empty({h, w, 3}, at::TensorOptions().dtype(at::kByte));
  decode_into(static_cast<const uint8_t*>(data), size, header, max_pixels, image.data_ptr<uint8_t>());
  *out = dd::wrap(std::move(image));
  DD_CATCH
}

int dd_image_encode(const uint8_t* pixels, int32_t width, int32_t height, int32_t channels, int32_t format,
                    int32_t level, void** out, int64_t* out_size) {
  DD_TRY
  if (pixels == nullptr || out == nullptr || out_size == nullptr) throw std::invalid_argument("null argument");
  if (width <= 0 || height <= 0) throw std::invalid_argument("image has no pixels");
  if (channels != 1 && channels != 3 && !(channels == 4 && format == 1))
    throw std::invalid_argument("channels must be 1 or 3 (or 4 for PNG)");
  *out = nullptr;
  *out_size = 0;
  char message[kMessageSize] = {0};
  if (format == 1) {
    if (level < 0 || level > 9) throw std::invalid_argument("PNG compression level must be in 0..9");
    PngBuffer buffer{nullptr, 0, 0, {0}};
    if (png_encode(pixels, width, height, channels, level, &buffer, message) != 0) throw std::runtime_error(message);
    *out = buffer.data;
    *out_size = static_cast<int64_t>(buffer.size);
  } else if (format == 2) {
    if (level < 1 || level > 100) throw std::invalid_argument("JPEG quality must be in 1..100");
    JpegDestination destination{nullptr, 0};
    if (jpeg_encode(pixels, width, height, channels, level, &destination, message) != 0)
      throw std::runtime_error(message);
    // jpeg_mem_dest allocates with malloc(), so dd_image_free's free() releases it.
    *out = destination.buffer;
    *out_size = static_cast<int64_t>(destination.size);
  } else {
    throw std::invalid_argument("unknown image format code " + std::to_string(format));
  }
  DD_CATCH
}

void dd_image_free(void* buffer) { std::free(buffer); }

}  // extern "C"
