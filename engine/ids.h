// Identifiers the engine mints.
#pragma once

#include <string>

namespace timeline {

// A random (version 4) UUID in its canonical text form, from OpenSSL's CSPRNG. Thread-safe.
std::string NewUuid();

}  // namespace timeline
