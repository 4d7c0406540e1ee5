/* version.h - the release, shown by --version and in status output. */
#ifndef MAILPROV_VERSION_H
#define MAILPROV_VERSION_H

#define MAILPROV_VERSION	"0.7.0"

#endif
