"""What companies see: the declaration template, uploads, refused rows, receipts, deadlines."""
