#define CATCH_CONFIG_RUNNER
#include "challenge/responder_child.hpp"

#include <catch2/catch.hpp>
#include <string_view>

// As root, the http-01 and tls-alpn-01 servers re-run this very program as
// their unprivileged responder (src/challenge/responder_child.hpp), as
// acmectl's main does.
int main(int argc, char** argv) {
    if (argc == 3 && std::string_view(argv[1]) == acme::challenge::k_responder_argument)
        return acme::challenge::run_responder(argv[2]);
    return Catch::Session().run(argc, argv);
}
