# ruff: noqa: E501 - pages are written with the long lines sites serve
"""Event pages written the way their sites serve them, for the page tests.

Each is a whole document as a browser receives it: head and meta tags, the site's own JSON-LD
beside the event's (a WebSite, a BreadcrumbList, the platform's Organization), scripts that are
not JSON-LD (analytics, a Next.js data blob that names other events), markup around it. The
shapes vary the way the platforms vary: one object, a list, an `@graph` with references,
nesting, comment and CDATA wrappers, upper-case attributes, bare and full enumeration names,
UTC and local offsets. Tests state what each page says in their own assertions.
"""

from __future__ import annotations

#: A Meetup event page of an online event (Next.js; Meetup's own Organization in a script of
#: its own, the event's in another, a BreadcrumbList, and __NEXT_DATA__ naming other events).
MEETUP_ONLINE = """<!DOCTYPE html><html lang="en-US"><head><meta charSet="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Rust Hack and Learn, Thu, Nov 20, 2025, 7:00 PM | Meetup</title>
<meta name="description" content="Every month we meet to hack on Rust together."/>
<meta property="og:title" content="Rust Hack and Learn, Thu, Nov 20, 2025, 7:00 PM | Meetup"/>
<meta property="og:site_name" content="Meetup"/>
<meta property="og:type" content="article"/>
<meta property="og:url" content="https://www.meetup.com/rust-berlin/events/306046642/"/>
<link rel="canonical" href="https://www.meetup.com/rust-berlin/events/306046642/"/>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization",\
"name":"Meetup","url":"https://www.meetup.com/","logo":"https://secure.meetupstatic.com/next/\
images/general/m_redesign_630x630.png","sameAs":["https://www.facebook.com/meetup/",\
"https://twitter.com/Meetup/","https://www.linkedin.com/company/meetup-com/"]}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event",\
"name":"Rust Hack and Learn","url":"https://www.meetup.com/rust-berlin/events/306046642/",\
"description":"Every month we meet to hack on Rust together. Bring a project or join one.",\
"startDate":"2025-11-20T19:00:00+01:00","endDate":"2025-11-20T21:00:00+01:00",\
"eventStatus":"https://schema.org/EventScheduled","image":["https://secure.meetupstatic.com/\
photos/event/4/2/e/highres_524573486.jpeg"],"eventAttendanceMode":\
"https://schema.org/OnlineEventAttendanceMode","location":{"@type":"VirtualLocation",\
"url":"https://www.meetup.com/rust-berlin/events/306046642/"},"offers":{"@type":"Offer",\
"price":"0","priceCurrency":"EUR","availability":"https://schema.org/InStock"},\
"organizer":{"@type":"Organization","name":"Rust Berlin","url":\
"https://www.meetup.com/rust-berlin/"},"isAccessibleForFree":true}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"BreadcrumbList",\
"itemListElement":[{"@type":"ListItem","position":1,"name":"Rust Berlin","item":\
"https://www.meetup.com/rust-berlin/"},{"@type":"ListItem","position":2,"name":"Events",\
"item":"https://www.meetup.com/rust-berlin/events/"}]}</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}\
gtag('js',new Date());gtag('config','G-XXXX');</script>
</head><body><div id="__next"><main><h1 class="overflow-hidden">Rust Hack and Learn</h1>
<p>Hosted by <a href="/rust-berlin/">Rust Berlin</a></p></main></div>
<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"event":{"title":\
"Rust Hack and Learn","dateTime":"2025-11-20T19:00:00+01:00"},"similarEvents":[{"@type":"Event",\
"title":"Zig Berlin Meetup","dateTime":"2025-11-21T19:00:00+01:00"}]}},"page":"/[urlname]/\
events/[eventId]"}</script></body></html>"""

#: A Meetup event page of an in-person event: the venue as a Place with a PostalAddress (the
#: country code in lower case, as Meetup writes it), the group as organiser, a local offset.
MEETUP_IN_PERSON = """<!DOCTYPE html><html lang="en-US"><head><meta charSet="utf-8"/>
<title>Rust Meetup #16: Christian Meusel - Oxidizing Step by Step | Meetup</title>
<meta property="og:title" content="Rust Meetup #16: Christian Meusel - Oxidizing Step by Step"/>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization",\
"name":"Meetup","url":"https://www.meetup.com/"}</script>
<script type="application/ld+json">
{
  "@context": "https://schema.org",
  "@type": "Event",
  "name": "Rust Meetup #16: Christian Meusel - Oxidizing Step by Step",
  "url": "https://www.meetup.com/rust-munich/events/311502123/",
  "startDate": "2025-11-26T18:30:00+01:00",
  "endDate": "2025-11-26T21:30:00+01:00",
  "eventStatus": "https://schema.org/EventScheduled",
  "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
  "location": {
    "@type": "Place",
    "name": "TNG Technology Consulting",
    "address": {
      "@type": "PostalAddress",
      "streetAddress": "Beta-Straße 13a",
      "addressLocality": "München",
      "addressRegion": "",
      "postalCode": "85774",
      "addressCountry": "de"
    },
    "geo": {"@type": "GeoCoordinates", "latitude": 48.2117, "longitude": 11.6722}
  },
  "organizer": {
    "@type": "Organization",
    "name": "Rust Munich",
    "url": "https://www.meetup.com/rust-munich/"
  }
}
</script>
</head><body><div id="__next"></div></body></html>"""

#: The page Meetup sends a client that is not signed in: its only JSON-LD is Meetup itself.
MEETUP_SIGN_IN = """<!DOCTYPE html><html lang="en-US"><head><meta charSet="utf-8"/>
<title>Login to Meetup | Meetup</title>
<meta property="og:title" content="Login to Meetup | Meetup"/>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization",\
"name":"Meetup","url":"https://www.meetup.com/","logo":"https://secure.meetupstatic.com/next/\
images/general/m_redesign_630x630.png","sameAs":["https://www.facebook.com/meetup/"]}</script>
</head><body><form action="/login/" method="post"><input name="email" type="email"/>
<input name="password" type="password"/><button type="submit">Log in</button></form>
</body></html>"""

#: A Luma event page: times in UTC with milliseconds, the address's country a Country object,
#: the region a full state name, hosts as Persons after the calendar's Organization.
LUMA_IN_PERSON = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Rust NYC: Async Rust in Production · Luma</title>
<meta property="og:title" content="Rust NYC: Async Rust in Production · Luma">
<meta property="og:site_name" content="Luma">
<meta name="twitter:card" content="summary_large_image">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event",\
"name":"Rust NYC: Async Rust in Production","description":"Talks and pizza.",\
"startDate":"2025-11-20T23:00:00.000Z","endDate":"2025-11-21T01:30:00.000Z",\
"eventAttendanceMode":"https://schema.org/OfflineEventAttendanceMode",\
"eventStatus":"https://schema.org/EventScheduled","location":{"@type":"Place",\
"name":"Datadog","address":{"@type":"PostalAddress","streetAddress":"620 8th Ave",\
"addressLocality":"New York","addressRegion":"New York","postalCode":"10018",\
"addressCountry":{"@type":"Country","name":"United States"}},"latitude":40.7557,\
"longitude":-73.9899},"image":["https://images.lumacdn.com/event-covers/abc.png"],\
"organizer":[{"@type":"Organization","name":"Rust NYC","url":"https://luma.com/rust-nyc"},\
{"@type":"Person","name":"Jane Host","url":"https://luma.com/user/usr-AbC123"}],\
"offers":[{"@type":"Offer","price":0,"priceCurrency":"USD","url":"https://luma.com/q7x2m1ab"}],\
"performer":[{"@type":"Person","name":"Sam Speaker"}]}</script>
<link rel="preload" as="font" href="/fonts/inter.woff2" crossorigin="anonymous">
</head><body><div id="__next"></div><script>self.__next_f=self.__next_f||[]</script>
</body></html>"""

#: A Luma event whose hosts are people only and whose location is a bare address string.
LUMA_ADDRESS_STRING = """<!doctype html><html><head>
<meta charset="utf-8"><title>Rust & Pierogi #4 · Luma</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event",\
"name":"Rust &amp; Pierogi #4","startDate":"2025-12-03T17:30:00.000Z",\
"endDate":"2025-12-03T20:00:00.000Z","eventAttendanceMode":"OfflineEventAttendanceMode",\
"eventStatus":"EventScheduled","location":"ul. Floriańska 5, 31-019 Kraków, Polska",\
"organizer":[{"@type":"Person","name":"Ola Nowak","url":"https://luma.com/user/usr-z9"}]}\
</script></head><body></body></html>"""

#: An Eventbrite page: the event in a one-item list, an EducationEvent, the organiser's
#: Eventbrite profile, `http://schema.org` as context, the title with "Tickets" and a date.
EVENTBRITE = """<!DOCTYPE html>
<html lang="en-us" dir="ltr"><head>
<meta charset="utf-8" />
<title>Intro to Rust Workshop Tickets, Thu, Nov 20, 2025 at 6:00 PM | Eventbrite</title>
<meta property="og:title" content="Intro to Rust Workshop Tickets, Thu, Nov 20, 2025 at 6:00 PM | Eventbrite" />
<meta property="og:site_name" content="Eventbrite" />
<script type="application/ld+json">
[{"@context": "http://schema.org", "@type": "EducationEvent",
  "name": "Intro to Rust Workshop",
  "url": "https://www.eventbrite.com/e/intro-to-rust-workshop-tickets-1234567890",
  "image": "https://img.evbuc.com/abc.jpg",
  "startDate": "2025-11-20T18:00:00-08:00", "endDate": "2025-11-20T21:00:00-08:00",
  "eventStatus": "https://schema.org/EventScheduled",
  "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
  "location": {"@type": "Place", "name": "Fremont Coworking",
    "address": {"@type": "PostalAddress", "streetAddress": "3417 Fremont Ave N",
      "addressLocality": "Seattle", "addressRegion": "WA", "postalCode": "98103",
      "addressCountry": "US"}},
  "organizer": {"@type": "Organization", "name": "Seattle Rust User Group",
    "url": "https://www.eventbrite.com/o/seattle-rust-user-group-18226345678"},
  "offers": [{"@type": "AggregateOffer", "lowPrice": "0.00", "highPrice": "0.00",
    "priceCurrency": "USD", "availability": "InStock"}]
}]
</script>
<script type="application/ld+json">{"@context":"http://schema.org","@type":"BreadcrumbList",
"itemListElement":[{"@type":"ListItem","position":1,"item":{"@id":"https://www.eventbrite.com/",
"name":"Home"}},{"@type":"ListItem","position":2,"item":{"@id":"https://www.eventbrite.com/d/wa--seattle/events/","name":"Seattle Events"}}]}</script>
</head><body><div id="root"></div></body></html>"""

#: A conference site on WordPress: Yoast's `@graph` (WebSite, WebPage, Organization) and The
#: Events Calendar's list of one Event, wrapped in an HTML comment; a hybrid event with a
#: Place and a VirtualLocation; multi-day, in dates only; the organiser a reference.
CONFERENCE_WORDPRESS = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<title>RustNL 2026 &#8211; RustNL</title>
<meta property="og:title" content="RustNL 2026 - RustNL" />
<meta property="og:site_name" content="RustNL" />
<script type="application/ld+json" class="yoast-schema-graph">{"@context":"https://schema.org",
"@graph":[{"@type":"WebPage","@id":"https://2026.rustnl.org/#webpage","url":
"https://2026.rustnl.org/","name":"RustNL 2026 - RustNL","isPartOf":{"@id":
"https://2026.rustnl.org/#website"}},{"@type":"WebSite","@id":"https://2026.rustnl.org/#website",
"url":"https://2026.rustnl.org/","name":"RustNL","publisher":{"@id":
"https://2026.rustnl.org/#organization"}},{"@type":"Organization","@id":
"https://2026.rustnl.org/#organization","name":"Stichting RustNL","url":"https://rustnl.org/",
"logo":{"@type":"ImageObject","url":"https://rustnl.org/logo.png"}}]}</script>
<script type="application/ld+json">
<!--
[{"@context":"http://schema.org","@type":"Event","name":"RustNL 2026",
"description":"&lt;p&gt;Two days of talks and a day of workshops.&lt;/p&gt;",
"url":"https://2026.rustnl.org/","startDate":"2026-05-18","endDate":"2026-05-20",
"eventAttendanceMode":"https://schema.org/MixedEventAttendanceMode",
"location":[{"@type":"Place","name":"Tivoli Vredenburg","address":{"@type":"PostalAddress",
"streetAddress":"Vredenburgkade 11","addressLocality":"Utrecht","postalCode":"3511 WC",
"addressCountry":"NL"}},{"@type":"VirtualLocation","url":"https://www.youtube.com/@rustnl"}],
"organizer":{"@id":"https://2026.rustnl.org/#organization"}}]
-->
</script>
<script src="https://2026.rustnl.org/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>
</head>
<body class="home page-template-default"><h1>RustNL 2026</h1></body>
</html>"""

#: A hand-written conference page: upper-case attribute names and type, a CDATA wrapper, a
#: WebPage whose mainEntity is the event, bare enumeration names, the country a Country
#: object by code, and a status that says the event moved online.
CONFERENCE_MOVED_ONLINE = """<HTML><HEAD>
<META PROPERTY="og:title" CONTENT="EuroRust 2025">
<SCRIPT TYPE="Application/LD+JSON">//<![CDATA[
{"@context": "https://schema.org", "@type": "WebPage", "name": "EuroRust",
 "mainEntity": {"@type": ["Event", "BusinessEvent"], "name": "EuroRust 2025",
   "startDate": "2025-12-09T09:00:00+01:00", "endDate": "2025-12-10T18:00:00+01:00",
   "eventStatus": "EventMovedOnline", "eventAttendanceMode": "OfflineEventAttendanceMode",
   "location": {"@type": "Place", "name": "Paris Expo",
     "address": {"@type": "PostalAddress", "addressLocality": "Paris",
       "addressCountry": {"@type": "Country", "name": "FR"}}},
   "organizer": {"@type": "Organization", "name": "Mainmatter", "url": "https://mainmatter.com/"}}}
//]]></SCRIPT>
</HEAD><BODY><P>See you online.</P></BODY></HTML>"""

#: A cancelled event on a community site; the status as an `http://` URL, the event a
#: SocialEvent, one script broken by a trailing comma before the good one.
CANCELLED_SOCIAL = """<!doctype html><html><head><meta charset="utf-8">
<title>Rust Aarhus Social Night</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite",
"name":"Rust Aarhus","url":"https://rust-aarhus.dk/",}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"SocialEvent",
"name":"Social Night","startDate":"2025-11-20T18:00:00+01:00",
"eventStatus":"http://schema.org/EventCancelled",
"location":{"@type":"Place","name":"Mikkeller","address":"Jægergårdsgade 5, 8000 Aarhus C, Denmark"},
"organizer":{"@type":"Organization","name":"Rust Aarhus","url":"https://www.meetup.com/rust-aarhus"}}
</script></head><body></body></html>"""

#: A page whose only event data is a nameless Event: the name comes from `og:title`.
NAMELESS_EVENT = """<!DOCTYPE html><html><head>
<title>Some site – upcoming</title>
<meta property="og:title" content="Rust Lunch Talk | Meetup">
<meta property="og:site_name" content="Meetup">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event",
"startDate":"2025-11-24T12:00:00+01:00","location":{"@type":"VirtualLocation",
"url":"https://meet.jit.si/rust-lunch"}}</script></head><body></body></html>"""

#: A page with a title and an og:title but no Event at all (a blog post).
BLOG_POST = """<!DOCTYPE html><html><head><title>Rust Hack and Learn recap</title>
<meta property="og:title" content="Rust Hack and Learn recap">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"BlogPosting",
"headline":"Rust Hack and Learn recap","datePublished":"2025-11-21",
"author":{"@type":"Person","name":"Ferris"}}</script></head><body></body></html>"""

#: A group's page listing its next events side by side: none of them is this page's own.
GROUP_LISTING = """<!DOCTYPE html><html><head>
<script type="application/ld+json">[{"@context":"https://schema.org","@type":"Event",
"name":"Rust Hack and Learn","startDate":"2025-11-20T19:00:00+01:00",
"url":"https://www.meetup.com/rust-berlin/events/306046642/"},
{"@context":"https://schema.org","@type":"Event","name":"Rust and Tell",
"startDate":"2025-11-27T19:00:00+01:00","url":"https://www.meetup.com/rust-berlin/events/306046999/"}]
</script></head><body></body></html>"""

#: What a 404 looks like on a platform.
NOT_FOUND = """<!DOCTYPE html><html><head><title>Page not found | Meetup</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization",
"name":"Meetup","url":"https://www.meetup.com/"}</script></head>
<body><h1>Sorry, we couldn't find that page</h1></body></html>"""

#: A bot challenge served with 403.
CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><noscript>Enable JavaScript and cookies
to continue</noscript><script>(function(){window._cf_chl_opt={cvId:'3'}})();</script></body></html>"""
