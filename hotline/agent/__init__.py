"""The call-center console: the shared queue, inquiries, answers, logged calls."""
