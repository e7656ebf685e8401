/* version.c — `hotpath version`: the version of the command, the report
 * schemas it reads, and the JSON library it reads them with. */
#include <cjson/cJSON.h>
#include <string.h>

#include "cli.h"

void cli_version_help(FILE *out) {
    fputs("usage: hotpath version\n\n"
          "Prints hotpath's version, the JSON report schemas this command reads,\n"
          "and the version of cJSON it reads them with.\n",
          out);
}

int cli_version_main(int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_version_help(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 1)
        return cli_fail("version", "takes no arguments (got '%s')", argv[1]);
    printf("hotpath %s (reads report schemas 1 and 2; cJSON %s)\n", HOTPATH_VERSION,
           cJSON_Version());
    return CLI_EXIT_OK;
}
