// Holds broken.proto, whose generation must fail (see Package.swift).
