/*
 * tlsfile.h - the certificate, key and CA files of STARTTLS, judged as
 * sendmail judges them, before mailprov writes a sendmail.cf naming them.
 *
 * sendmail drops STARTTLS without a word on the SMTP session when one of
 * its TLS files fails a safety rule (only syslog says so).  These checks
 * name the file and the rule instead.  The rules are those of sendmail
 * 8.17's tls.c (safefile() with SFF_REGONLY | SFF_SAFEDIRPATH |
 * SFF_NOWLINK | SFF_NOGWFILES | SFF_NOWWFILES | SFF_MUSTOWN | SFF_ROOTOK |
 * SFF_OPENASROOT, plus TLS_I_KEY_UNR or, with GroupReadableKeyFile,
 * TLS_I_KEY_OUNR for keys), checked with lstat/stat only:
 *   - the name is absolute (a relative name counts as unset);
 *   - "/" and every directory on the way to the file is neither group-
 *     nor world-writable, sticky bit or not; a symbolic link met on the
 *     way is followed and the directories of its target are judged too;
 *   - the file exists and, symbolic links followed, is a regular file (a
 *     link is judged by the directory it sits in, which must be safe;
 *     its target's directories are not judged, as in sendmail);
 *   - the file is neither group- nor world-writable;
 *   - a key is readable by nobody but its owner; with
 *     group_readable_key (DontBlameSendmail=GroupReadableKeyFile) by
 *     nobody outside its group;
 *   - the file is owned by root, the RunAsUser or the TrustedUser, and
 *     sendmail can read it: as root that is the owner's read bit; as
 *     another RunAsUser it is the bit of the class that user falls in
 *     (owner, the file's group when it is the RunAsUser's primary group,
 *     else others; supplementary groups are not consulted, so such a
 *     file may be refused where sendmail would take it).
 * sendmail does not judge who owns the directories when it opens these
 * files as root; a directory owned by anyone but root, the
 * RunAsUser or the TrustedUser is reported as a warning (its owner can
 * swap the files), not a refusal.
 *
 * CACertPath is never run through those rules by sendmail: it must be
 * set and absolute, and that is all (a missing directory still gets
 * STARTTLS offered, with no CA read from it).  TLSF_CA_PATH therefore
 * refuses only a relative name, and warns about a path that is missing,
 * not a directory, or on a writable or foreign-owned directory (whoever
 * can write there can add a trusted CA).
 *
 * Every path is as the admin knows it ("/etc/mail/tls/host.key"); with a
 * root prefix (mailprov's --root) the file checked is ROOT/etc/..., an
 * absolute link target is taken inside ROOT, ".." stops at ROOT, and the
 * checks start at ROOT itself ("/"), not above it.  Messages never show
 * ROOT.  root may be NULL or "" for none.
 *
 * Convention: 0 when sendmail will take the file; 1 when it will, but
 * *why holds a warning; -1 when it will not (or the file cannot be read
 * here), with one line in *why naming the option's key, the path, the
 * rule and the cure (caller frees *why in both cases).
 */
#ifndef MAILPROV_TLSFILE_H
#define MAILPROV_TLSFILE_H

#include <sys/types.h>

enum tlsfile_kind {
	TLSF_CERT,		/* ServerCertFile, ClientCertFile (and
				   DHParameters or CRLFile: same rules) */
	TLSF_KEY,		/* ServerKeyFile, ClientKeyFile */
	TLSF_CA_FILE,		/* CACertFile */
	TLSF_CA_PATH		/* CACertPath (a directory) */
};

/*
 * What sendmail runs as.  All zero (or a NULL policy) is the default: run
 * as root, TrustedUser root, keys readable by their owner only.
 */
struct tlsfile_policy {
	uid_t	uid;			/* RunAsUser's uid (0: root) */
	gid_t	gid;			/* RunAsUser's gid */
	uid_t	trusted;		/* TrustedUser's uid (0: unset) */
	int	group_readable_key;	/* GroupReadableKeyFile */
};

/*
 * tlsfile_check_safe - sendmail's rules for one file (or CA directory).
 * keyname names the setting in messages ("tls.key"); NULL gives the
 * kind's name ("key").  0, 1 (warning in *why) or -1 (reason in *why).
 */
int	tlsfile_check_safe(const char *root, const char *path,
	    enum tlsfile_kind kind, const char *keyname,
	    const struct tlsfile_policy *pol, char **why);

/*
 * tlsfile_check_pair - the certificate (the first PEM certificate in
 * cert) and the private key (PEM, unencrypted: sendmail cannot ask for a
 * pass phrase when it starts) load, belong together
 * (X509_check_private_key), and the certificate is valid now (neither
 * expired nor not yet valid).  *days_left (may be NULL) gets the whole
 * days until notAfter, negative once expired, as soon as the
 * certificate could be read; a caller warns when it is small.  0 or -1
 * with *why.
 */
int	tlsfile_check_pair(const char *root, const char *cert,
	    const char *key, long *days_left, char **why);

/*
 * tlsfile_check_ca_file - ca holds at least one PEM certificate and
 * nothing OpenSSL fails to read (it loads CACertFile the same way; a
 * failure drops STARTTLS on the server side).  0 or -1 with *why.
 */
int	tlsfile_check_ca_file(const char *root, const char *ca, char **why);

#endif
