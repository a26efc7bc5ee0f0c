/* Slipway stand-in for the hello-world image: print a greeting and exit 0. */
#include <unistd.h>

static const char msg[] =
"\n"
"Hello from Docker!\n"
"If you can read this, your Docker setup works: this text was printed by a\n"
"small program running inside a container.\n"
"\n"
"What just happened:\n"
" 1. The docker command (the client) sent your request to the Docker daemon.\n"
" 2. The daemon looked for the \"hello-world\" image, did not find it locally,\n"
"    and pulled it from a registry.\n"
" 3. The daemon created a new container from that image and started the\n"
"    program inside it.\n"
" 4. The daemon streamed the program's output back to the client, which\n"
"    printed it in your terminal. Then the program exited and the container\n"
"    stopped.\n"
"\n"
"Something bigger to try next, an interactive shell in a Debian container:\n"
" $ docker run -it debian bash\n"
"\n"
"List the containers you have run, including stopped ones:\n"
" $ docker ps -a\n"
"\n";

int main(void)
{
    const char *p = msg;
    size_t left = sizeof msg - 1;
    while (left > 0) {
        ssize_t n = write(1, p, left);
        if (n <= 0)
            return 1;
        p += n;
        left -= (size_t)n;
    }
    return 0;
}
