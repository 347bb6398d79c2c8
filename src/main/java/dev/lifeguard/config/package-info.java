/** Lifeguard's configuration: the {@code lifeguard.*} mapping and its validation into immutable check specifications. */
package dev.lifeguard.config;
