// Keeps where the person was going, and says when the last attempt failed.
const params = new URLSearchParams(window.location.search);
document.getElementById('returnUrl').value = params.get('returnUrl') || params.get('ReturnUrl') || '/agent';
document.getElementById('failed').hidden = params.get('failed') !== '1';
document.getElementById('denied').hidden = params.get('denied') !== '1';
