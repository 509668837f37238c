// Image decoding and encoding: JPEG through libjpeg-turbo, PNG through libpng.
//
// Both libraries report fatal errors through callbacks that must not return; the default JPEG one calls
// exit(). Here every such callback records a one-line message and longjmp()s back to the setjmp() of the
// call that started the work, which cleans up and returns a status. The functions that call setjmp() keep
// only plain C data in their frames (no C++ object with a destructor lives between setjmp and longjmp), so
// the jump skips no destructor. libjpeg's "premature end of file" warning (a truncated file, which
// libjpeg would otherwise decode with grey padding) is treated as an error; its other corrupt-data warnings
// are ignored, as PIL and torchvision ignore them.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "common.h"

namespace {

constexpr int kMessageSize = 256;
constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

enum class Format { Unknown, Jpeg, Png };

Format detect(const uint8_t* data, int64_t size) {
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return Format::Jpeg;
  if (size >= 8 && std::memcmp(data, kPngSignature, 8) == 0) return Format::Png;
  return Format::Unknown;
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
};

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
  jpeg_read_header(&cinfo, TRUE);
  info->width = static_cast<int>(cinfo.image_width);
  info->height = static_cast<int>(cinfo.image_height);
  info->channels = cinfo.num_components;
  jpeg_destroy_decompress(&cinfo);
  return 0;
}

inline uint8_t muldiv255(int a, int b) {
  int t = a * b + 128;
  return static_cast<uint8_t>(((t >> 8) + t) >> 8);
}

// Decodes to RGB rows of width*3 bytes; dst holds exactly width*height*3 bytes (checked by the caller
// through jpeg_info). CMYK/YCCK files are converted as PIL's convert("RGB") does (Adobe files inverted).
int jpeg_decode(const uint8_t* data, int64_t size, uint8_t* dst, int expect_w, int expect_h, char* message) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = jpeg_fail;
  err.pub.emit_message = jpeg_message;
  err.message[0] = '\0';
  uint8_t* volatile cmyk_row = nullptr;  // volatile: assigned between setjmp and a possible longjmp
  if (setjmp(err.jump)) {
    std::snprintf(message, kMessageSize, "corrupt JPEG: %.200s", err.message);
    std::free(cmyk_row);
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
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

// Reads the header (info == nullptr skips) and, when dst is given, the pixels as 8-bit RGB: palette and
// low-bit-depth images are expanded, 16-bit samples keep their high byte, alpha is dropped (as PIL's
// convert("RGB") does), greyscale is copied to the three channels.
int png_decode(const uint8_t* data, int64_t size, PngInfo* info, uint8_t* dst, int expect_w, int expect_h,
               char* message) {
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
  png_read_info(png, pinfo);
  int width = static_cast<int>(png_get_image_width(png, pinfo));
  int height = static_cast<int>(png_get_image_height(png, pinfo));
  int color = png_get_color_type(png, pinfo);
  if (info != nullptr) {
    info->width = width;
    info->height = height;
    info->channels = png_get_channels(png, pinfo);
  }
  if (dst == nullptr) {
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return 0;
  }
  if (width != expect_w || height != expect_h) {
    std::snprintf(message, kMessageSize, "PNG size changed while decoding");
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return 1;
  }
  png_set_expand(png);
  png_set_strip_16(png);
  png_set_strip_alpha(png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, pinfo);
  if (png_get_channels(png, pinfo) != 3 || png_get_bit_depth(png, pinfo) != 8) {
    std::snprintf(message, kMessageSize, "unsupported PNG layout");
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return 1;
  }
  rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * static_cast<size_t>(height)));
  if (rows == nullptr) png_error(png, "out of memory");
  for (int y = 0; y < height; y++) rows[y] = dst + static_cast<size_t>(y) * width * 3;
  png_read_image(png, rows);
  png_read_end(png, nullptr);
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

// Shared by info and decode: the file's size and channel count, or an error.
void read_info(const uint8_t* bytes, int64_t size, int* width, int* height, int* channels) {
  char message[kMessageSize] = {0};
  switch (detect(bytes, size)) {
    case Format::Jpeg: {
      JpegInfo info{};
      if (jpeg_info(bytes, size, &info, message) != 0) throw std::runtime_error(message);
      *width = info.width;
      *height = info.height;
      *channels = info.channels;
      break;
    }
    case Format::Png: {
      PngInfo info{};
      if (png_decode(bytes, size, &info, nullptr, 0, 0, message) != 0) throw std::runtime_error(message);
      *width = info.width;
      *height = info.height;
      *channels = info.channels;
      break;
    }
    default:
      throw_unknown(bytes, size);
  }
  if (*width <= 0 || *height <= 0) throw std::runtime_error("image has no pixels");
}

void decode_into(const uint8_t* bytes, int64_t size, int width, int height, uint8_t* dst) {
  char message[kMessageSize] = {0};
  int status = detect(bytes, size) == Format::Jpeg ? jpeg_decode(bytes, size, dst, width, height, message)
                                                   : png_decode(bytes, size, nullptr, dst, width, height, message);
  if (status != 0) throw std::runtime_error(message);
}

}  // namespace

extern "C" {

int dd_image_info(const void* data, int64_t size, int32_t* width, int32_t* height, int32_t* channels) {
  DD_TRY
  check_input(data, size);
  int w = 0, h = 0, c = 0;
  read_info(static_cast<const uint8_t*>(data), size, &w, &h, &c);
  *width = w;
  *height = h;
  *channels = c;
  DD_CATCH
}

int dd_image_decode_rgb(const void* data, int64_t size, uint8_t* dst, int64_t dst_size) {
  DD_TRY
  check_input(data, size);
  const auto* bytes = static_cast<const uint8_t*>(data);
  int w = 0, h = 0, c = 0;
  read_info(bytes, size, &w, &h, &c);
  int64_t needed = static_cast<int64_t>(w) * h * 3;
  if (dst == nullptr || dst_size != needed)
    throw std::invalid_argument("decode buffer has " + std::to_string(dst_size) + " bytes, the " +
                                std::to_string(w) + "x" + std::to_string(h) + " image needs " + std::to_string(needed));
  decode_into(bytes, size, w, h, dst);
  DD_CATCH
}

int dd_image_decode(const void* data, int64_t size, dd_tensor* out) {
  DD_TRY
  check_input(data, size);
  const auto* bytes = static_cast<const uint8_t*>(data);
  int w = 0, h = 0, c = 0;
  read_info(bytes, size, &w, &h, &c);
  at::Tensor image = at::empty({h, w, 3}, at::TensorOptions().dtype(at::kByte));
  decode_into(bytes, size, w, h, image.data_ptr<uint8_t>());
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
