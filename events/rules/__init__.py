"""CALENDAR.md's vocabulary as pure functions: every rule of the contract, each in one place.

No rule imports a stage; the stages (`events.stages`) and the registry only compose these.

| CALENDAR.md | rule | module |
| --- | --- | --- |
| §1 Google's feeds | the public page of an entry, the calendar a feed is | `google` |
| §1 DESCRIPTION is often HTML | text and anchors of a description | `html` |
| §1 Event pages | the schema.org Event of an event's page (JSON-LD) | `schema_org` |
| §2 The event link, The group | link kinds, link keys, Meetup urlnames, labelled hosts | `links` |
| §2 SUMMARY, Online and hybrid | cancelled, prefixes, online/hybrid words, about Rust | `wording` |
| §2 The group (names) | names compared without case, accents, punctuation | `names` |
| §2 LOCATION | reading addresses; §3 the `City[, ST], CC` form | `places` |
| §2 LOCATION (gazetteer) | which cities, states, countries exist, and their zones | `gazetteer` |
| §2 Time | the local date where an event happens; the issue's Wednesday | `dates` |
| §3 Regions | continents as TWIR files countries | `regions` |
| §3 Entry, Sections, Order | the block's header, headings, order and two-line listings | `block` |
| §3 Titles are shown as written | what is escaped so that text stays text | `text` |
| §3 (end) TWIR's drafts and issues | where the block sits in an issue, an issue's date | `issue` |
"""
