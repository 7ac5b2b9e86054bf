#!/usr/bin/env node
// Thin launcher: the CLI ships compiled (built by `prepare`), so start-up pays for no TypeScript loader.
import "../dist/src/cli/main.js";
