/*
 * One scrape per new connection, read to the end: what an HTTP/1.0 client, a script or a client sending
 * `Connection: close` waits for. Connects, sends one GET with `Connection: close`, reads until the server ends the
 * connection, and closes; one at a time, for the given number of seconds. Each scrape is timed from before the
 * connect to the end of the connection (wrk, which closes its end once the Content-Length has arrived, does not see
 * a server that is slow to end the connection). Not a test; build/relay-bench.sh builds and runs it.
 *
 *   scrape-per-connection PORT PATH SECONDS
 *
 * Prints: scrapes/s p50 p99 p99.9 (ms) failures, where a failure is a connection that did not answer 200.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of the sorted values. */
static double percentile(const double *sorted, size_t count, double p)
{
    size_t rank = (size_t)(p / 100.0 * count + 0.999999);
    return sorted[rank == 0 ? 0 : rank - 1];
}

/* One scrape; returns 0 when the answer began with a 200 status line and the server ended the connection. */
static int scrape(const struct sockaddr_in *address, const char *request, size_t length)
{
    static char buffer[256 * 1024];
    int one = 1, ok = 0;
    size_t received = 0;
    int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (socket_fd < 0)
        return -1;
    setsockopt(socket_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(socket_fd, (const struct sockaddr *)address, sizeof *address) == 0
        && send(socket_fd, request, length, 0) == (ssize_t)length)
    {
        ssize_t read;
        while ((read = recv(socket_fd, buffer + (received < 16 ? received : 16), sizeof buffer - 16, 0)) > 0)
            received += (size_t)read;
        ok = read == 0 && received >= 12 && memcmp(buffer, "HTTP/1.1 200", 12) == 0;
    }

    close(socket_fd);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4)
    {
        fprintf(stderr, "usage: %s PORT PATH SECONDS\n", argv[0]);
        return 2;
    }

    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    char request[512];
    int length = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", argv[2]);
    double seconds = atof(argv[3]);

    size_t capacity = 1 << 16, count = 0, failures = 0;
    double *latencies = malloc(capacity * sizeof *latencies);
    double start = now_ms(), end = start + seconds * 1e3, before;
    while ((before = now_ms()) < end)
    {
        int result = scrape(&address, request, (size_t)length);
        double after = now_ms();
        if (result != 0)
        {
            failures++;
            continue;
        }

        if (count == capacity)
            latencies = realloc(latencies, (capacity *= 2) * sizeof *latencies);
        latencies[count++] = after - before;
    }

    if (count == 0)
    {
        printf("0 0 0 0 %zu\n", failures);
        return 1;
    }

    qsort(latencies, count, sizeof *latencies, by_value);
    printf("%.0f %.3f %.3f %.3f %zu\n", count / ((now_ms() - start) / 1e3), percentile(latencies, count, 50),
           percentile(latencies, count, 99), percentile(latencies, count, 99.9), failures);
    free(latencies);
    return 0;
}
