/*
 * The C floor of `make bench`: the least a FastCGI responder can do behind
 * nginx for totpgate's routes, so the benchmark can say how close totpgate
 * comes to what C does through the same nginx. It is a reference, not a
 * product: no sessions, no store, fixed pages.
 *
 *   floor SOCKET THREADS [PROCESSES]
 *
 * PROCESSES worker processes (default 1) under a parent that only waits, like
 * `totpgate serve --workers`, each with THREADS accept loops (FCGX_Accept_r)
 * on the one listening socket, like `totpgate serve --threads`:
 *   GET /      the login page, byte for byte what totpgate sends (fixed cookie and token)
 *   GET /home  a fixed welcome page
 *   GET /auth  200 + X-Auth-User when a `totpgate` cookie is present, else 401
 *   GET /qr    the QR code of an otpauth:// URI of a 160-bit secret, encoded
 *              and drawn on every request exactly as totpgate draws it:
 *              libqrencode, level M, 8-bit mode; libpng, 1-bit greyscale,
 *              6 px per module, 4-module quiet zone, no filter, deflate level
 *              4 with memory level 4
 *   else       404
 */
#define _GNU_SOURCE /* asprintf */
#include <fcgiapp.h>
#include <png.h>
#include <pthread.h>
#include <qrencode.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCALE 6
#define QUIET_ZONE 4

static const char QR_URI[] = "otpauth://totp/totpgate:bench?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=totpgate";

/* totpgate's security headers, sent on every page as totpgate sends them. */
#define PAGE_HEADERS                                                                                              \
    "Content-Type: text/html; charset=utf-8\r\n"                                                                  \
    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "         \
    "frame-ancestors 'none'; base-uri 'none'\r\n"                                                                 \
    "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n"                \
    "Cache-Control: no-cache\r\n"

#define PAGE_TOP                                                                                                  \
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"                                     \
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"                                  \
    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>%s · totpgate</title>\n"                            \
    "<link rel=\"stylesheet\" href=\"/static/totpgate.css\">\n</head>\n<body>\n"                                  \
    "<header class=\"top\"><a class=\"brand\" href=\"/\">totpgate</a></header>\n<main class=\"card\">\n"
#define PAGE_BOTTOM "</main>\n</body>\n</html>\n"

static const char LOGIN_BODY[] =
    "<h1>Sign in</h1>\n\n<form method=\"post\" action=\"/login\">\n"
    "  <input type=\"hidden\" name=\"csrf\" value=\"P9Eb-XIBvcE2N5HfVu4SYw\">\n"
    "  <input type=\"hidden\" name=\"rd\" value=\"\">\n"
    "  <label for=\"username\">Username</label>\n"
    "  <input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus>\n"
    "  <label for=\"password\">Password</label>\n"
    "  <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n"
    "  <button type=\"submit\">Continue</button>\n</form>\n";

static const char HOME_BODY[] =
    "<h1>Welcome, bench</h1>\n\n<p>You are signed in with your password and your authenticator app.</p>\n"
    "<p><a href=\"/logout\">Log out</a></p>\n";

/* An anonymous session cookie of the length totpgate issues. */
static const char LOGIN_COOKIE[] =
    "Set-Cookie: totpgate=IT227EO5.MXxBbU5WVVFsTlU4UGVVa2dkd20zbnpBfGF8fDB8MTc5NTkzMjYzNXwxNzk1OTMyNjM1fFA5RWItWElC"
    "dmNFMk41SGZWdTRTWXd8fHw.2QKKewQegZeHcQzGAuSk3ogWY1ioeoGy9kQyDyVPTb8; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax\r\n";

/* Whole responses, built once at start. */
static char *login_response, *home_response;

/* A whole 200 response: headers (`extra_headers` first), then the page `title` around `body`. */
static char *page(const char *extra_headers, const char *title, const char *body) {
    char top[1024], *response;
    int top_length = snprintf(top, sizeof top, PAGE_TOP, title);
    size_t body_length = (size_t)top_length + strlen(body) + strlen(PAGE_BOTTOM);
    if (asprintf(&response, "Status: 200 OK\r\n%s" PAGE_HEADERS "Content-Length: %zu\r\n\r\n%s%s%s", extra_headers,
                 body_length, top, body, PAGE_BOTTOM) < 0) {
        perror("asprintf");
        exit(1);
    }
    return response;
}

/* A growing byte buffer that libpng writes the file into. */
struct buffer {
    unsigned char *bytes;
    size_t length, capacity;
};

static void append(png_structp png, png_bytep data, png_size_t length) {
    struct buffer *out = png_get_io_ptr(png);
    if (out->length + length > out->capacity) {
        size_t capacity = out->capacity * 2 > out->length + length ? out->capacity * 2 : out->length + length;
        unsigned char *grown = realloc(out->bytes, capacity);
        if (!grown) png_error(png, "out of memory");
        out->bytes = grown;
        out->capacity = capacity;
    }
    memcpy(out->bytes + out->length, data, length);
    out->length += length;
}

static void no_flush(png_structp png) { (void)png; }

/* The QR code of `uri` as a PNG in `out` (caller frees out->bytes); 0 on success. */
static int qr_png(const char *uri, struct buffer *out) {
    QRcode *code = QRcode_encodeData((int)strlen(uri), (const unsigned char *)uri, 0, QR_ECLEVEL_M);
    if (!code) return -1;
    int side = code->width + 2 * QUIET_ZONE, width = side * SCALE, row_bytes = (width + 7) / 8;
    unsigned char *rows = malloc((size_t)side * row_bytes);
    png_bytep *row_pointers = malloc(sizeof(png_bytep) * (size_t)width);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int result = -1;
    if (!rows || !row_pointers || !info) goto done;

    /* One packed row per module row, white (1) with the dark modules cleared; libpng sees each SCALE times. */
    memset(rows, 0xFF, (size_t)side * row_bytes);
    for (int y = 0; y < code->width; y++) {
        unsigned char *row = rows + (size_t)(y + QUIET_ZONE) * row_bytes;
        for (int x = 0; x < code->width; x++) {
            if (!(code->data[y * code->width + x] & 1)) continue;
            for (int px = (x + QUIET_ZONE) * SCALE; px < (x + QUIET_ZONE + 1) * SCALE; px++)
                row[px / 8] &= (unsigned char)~(0x80 >> (px % 8));
        }
    }
    for (int y = 0; y < width; y++) row_pointers[y] = rows + (size_t)(y / SCALE) * row_bytes;

    out->length = 0;
    if (setjmp(png_jmpbuf(png))) goto done;
    png_set_write_fn(png, out, append, no_flush);
    png_set_IHDR(png, info, width, width, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, 4);
    png_set_compression_mem_level(png, 4);
    png_write_info(png, info);
    png_write_image(png, row_pointers);
    png_write_end(png, NULL);
    result = 0;
done:
    png_destroy_write_struct(&png, &info);  /* either may be NULL */
    free(row_pointers);
    free(rows);
    QRcode_free(code);
    return result;
}

static void respond(FCGX_Request *request, struct buffer *png) {
    const char *path = FCGX_GetParam("DOCUMENT_URI", request->envp);
    const char *cookie = FCGX_GetParam("HTTP_COOKIE", request->envp);
    if (!path) path = "";
    if (strcmp(path, "/") == 0) {
        FCGX_PutS(login_response, request->out);
    } else if (strcmp(path, "/home") == 0) {
        FCGX_PutS(home_response, request->out);
    } else if (strcmp(path, "/auth") == 0) {
        if (cookie && strstr(cookie, "totpgate="))
            FCGX_PutS("Status: 200 OK\r\nX-Auth-User: bench\r\nContent-Length: 0\r\n\r\n", request->out);
        else
            FCGX_PutS("Status: 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", request->out);
    } else if (strcmp(path, "/qr") == 0 && qr_png(QR_URI, png) == 0) {
        FCGX_FPrintF(request->out, "Content-Type: image/png\r\nCache-Control: no-store\r\nContent-Length: %lu\r\n\r\n",
                     (unsigned long)png->length);  /* libfcgi's printf knows no %zu */
        FCGX_PutStr((const char *)png->bytes, (int)png->length, request->out);
    } else {
        FCGX_PutS("Status: 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnot found\n",
                  request->out);
    }
}

static int listen_socket;

static void *serve(void *unused) {
    (void)unused;
    FCGX_Request request;
    struct buffer png = {malloc(4096), 0, 4096};  /* reused by this thread's QR responses */
    if (!png.bytes || FCGX_InitRequest(&request, listen_socket, 0) != 0) {
        fprintf(stderr, "floor: cannot set up a request\n");
        exit(1);
    }
    while (FCGX_Accept_r(&request) == 0) {
        respond(&request, &png);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

/* One worker process: THREADS accept loops until SIGTERM or SIGINT. */
static int work(int threads) {
    for (int i = 0; i < threads; i++) {
        pthread_t worker;
        if (pthread_create(&worker, NULL, serve, NULL) != 0) {
            fprintf(stderr, "floor: cannot start a thread\n");
            return 1;
        }
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    int signal_number;
    sigwait(&stop, &signal_number);
    return 0;
}

int main(int argc, char **argv) {
    if ((argc != 3 && argc != 4) || atoi(argv[2]) < 1 || (argc == 4 && atoi(argv[3]) < 1)) {
        fprintf(stderr, "usage: floor SOCKET THREADS [PROCESSES]\n");
        return 2;
    }
    int threads = atoi(argv[2]);
    int processes = argc == 4 ? atoi(argv[3]) : 1;
    /* The login page carries a session cookie, as totpgate's does for a new visitor. */
    login_response = page(LOGIN_COOKIE, "Sign in", LOGIN_BODY);
    home_response = page("", "Home", HOME_BODY);

    unlink(argv[1]);
    if (FCGX_Init() != 0 || (listen_socket = FCGX_OpenSocket(argv[1], 256)) < 0) {
        fprintf(stderr, "floor: cannot listen on %s\n", argv[1]);
        return 1;
    }
    /* Every process and thread starts with SIGTERM and SIGINT blocked, for sigwait. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    /* Forked before any thread exists, so no lock can be held in a child. */
    pid_t children[64];
    int started = 0;
    for (; started < processes && started < 64; started++) {
        children[started] = fork();
        if (children[started] < 0) {
            fprintf(stderr, "floor: cannot start a process\n");
            return 1;
        }
        if (children[started] == 0) return work(threads);
    }
    int signal_number;
    sigwait(&stop, &signal_number);
    for (int i = 0; i < started; i++) kill(children[i], SIGTERM);
    for (int i = 0; i < started; i++) waitpid(children[i], NULL, 0);
    unlink(argv[1]);
    return 0;
}
