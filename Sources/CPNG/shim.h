#include <png.h>
#include <string.h>

/* libpng reports an error by longjmp back to a setjmp in its caller, and Swift can
 * neither call setjmp nor be jumped over, so every libpng call that can fail runs
 * in these functions, and errors come back as a return code and a message. */

/* Bytes of the buffer that receives libpng's error message. */
#define CPNG_ERROR_CAPACITY 160

// An error handler must not return (libpng would then print to stderr); this one keeps the message and jumps.
static inline void cpng_on_error(png_structp png, png_const_charp message) {
    char *buffer = png_get_error_ptr(png);
    strncpy(buffer, message, CPNG_ERROR_CAPACITY - 1);
    buffer[CPNG_ERROR_CAPACITY - 1] = '\0';
    png_longjmp(png, 1);
}

// Warnings would go to stderr by default; a server's stderr is its log, so they are dropped.
static inline void cpng_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

// The handlers above are C functions, so the struct that uses them is made in C too.
static inline png_structp cpng_create_write_struct(char *error_buffer) {
    return png_create_write_struct(PNG_LIBPNG_VER_STRING, error_buffer, cpng_on_error, cpng_on_warning);
}

// The setjmp that libpng's errors land on: returns 0 when the image was written, -1 on an error.
static inline int cpng_write_gray(png_structp png, png_infop info, png_uint_32 width, png_uint_32 height,
                                  int bit_depth, int filters, int compression_level, int memory_level,
                                  png_bytepp rows) {
    if (setjmp(png_jmpbuf(png))) return -1;
    png_set_IHDR(png, info, width, height, bit_depth, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_compression_level(png, compression_level);
    png_set_compression_mem_level(png, memory_level);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    return 0;
}
