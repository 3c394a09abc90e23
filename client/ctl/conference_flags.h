/* conference_flags.h - mcuctl's flags for conference settings (conference create and
 * update), each with the mcud config-file key of the schema field it sets
 * (mcu/core/conference_settings.h, the one table of conference settings) and that
 * field's rule. mcuctl speaks only the REST API and links no mcu code, so the rule is
 * written here once more; tests/unit/test_conference_settings.c checks every row
 * against the schema (the key exists, the rule is the schema's rule), so help and
 * messages cannot drift from what mcud accepts. The server's own refusals come back
 * in the API's field errors with the schema's messages, printed under the flag's name
 * (ctl_http.c, field_flags).
 *
 *   X(flag, ARG, schema key, help, rule)    rule: the schema's rule without "must be " */
#ifndef HOINGHI_CTL_CONFERENCE_FLAGS_H
#define HOINGHI_CTL_CONFERENCE_FLAGS_H

#define CTL_CONFERENCE_SETTINGS(X)                                                            \
    X("title", "TITLE", "title", "what the meeting is called",                                \
      "1..200 characters without control characters")                                         \
    X("layout", "LAYOUT", "layout", "where the rooms' pictures go (default 2x2)",             \
      "a layout: 1x1, 2x2, 3x3, 4x4, 5x5, 1+5, 1+7, speaker, speaker+N (N from 1 to 8), "     \
      "presentation or custom JSON")                                                          \
    X("pin", "PIN", "pin", "rooms must give it to join", "4..12 digits")                      \
    X("record-policy", "POLICY", "record", "when it is recorded (default off)",               \
      "off, manual or always")                                                                \
    X("max-participants", "N", "max-participants", "participants at once (default 16)",       \
      "an integer from 1 to 64")                                                              \
    X("size", "WxH", "size", "canvas size (default 1280x720)",                                \
      "WIDTHxHEIGHT, both even, 160x90 to 1920x1080")                                         \
    X("fps", "N", "fps", "canvas frame rate (default 30)", "an integer from 5 to 60")         \
    X("codecs", "LIST", "codecs", "video codecs offered, comma-separated (default vp8,h264)", \
      "a non-empty list of vp8 and h264")

#endif
