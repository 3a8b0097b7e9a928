/**
 * Internal to vae4j, not part of its API (see {@link dev.vae4j}). The vae4j command line, a thin layer over dev.vae4j.
 */
package dev.vae4j.cli;
